// Route a batch of stored events. Idempotent: the event rows are locked and their status
// re-read inside the one transaction that writes the leads, assignments, routing state and
// outbox rows, so a retry, a redelivery or a second worker finds them done and writes nothing.
import { applyMapping, mappedCrmFields, type SourceRecord } from '../mapping/index.js';
import { decide, stateKeys, type Decision, type RoutingState } from '../routing/index.js';
import {
  applyStateChange,
  getRoutableInboundEvents,
  insertAssignments,
  insertOutboxRows,
  leadRecordKey,
  loadRoutingStateForUpdate,
  lockRoutableInboundEvents,
  markInboundEventsDone,
  markInboundEventsQueued,
  upsertLeads,
  type InboundEventRow,
  type NewAssignment,
  type NewOutboxRow,
  type SlaTimerRow,
} from '../db/index.js';
import { errors } from '../errors.js';
import type { Lead } from '../lead/index.js';
import type { MappingWarning } from '../mapping/index.js';
import type { PipelineDeps } from './deps.js';
import type { BatchOutcome } from './group-commit.js';
import { loadRecords } from './load-records.js';
import { mergeStateChanges, applyToState } from './state-change.js';
import { routingLockKey as globalLockKey } from './routing-lock.js';
import { armSlaTimers, claimFromFieldChanges, scheduleSlaTimers } from './sla-timers.js';
import { syncOwnershipBatch } from './sync-ownership.js';

interface Routable {
  ev: InboundEventRow;
  lead: Lead;
  warnings: MappingWarning[];
}

/**
 * `deliver` takes the new outbox rows once the transaction has committed (the worker hands them
 * straight to its own write-back batcher); without it each row gets a write-back job.
 */
export async function routeBatch(deps: PipelineDeps, eventIds: string[], deliver?: (outboxIds: string[]) => void): Promise<BatchOutcome> {
  const outcome: BatchOutcome = new Map(eventIds.map((id) => [id, undefined]));
  const events = await getRoutableInboundEvents(deps.db, eventIds);
  const created = events.filter((e) => e.kind === 'created');
  // Owner changes go to the ownership sync, field updates to the SLA claim check (docs/sync.md).
  const owners = events.filter((e) => e.kind === 'ownerChanged');
  const updates = events.filter((e) => e.kind === 'updated');
  const other = events.filter((e) => e.kind !== 'created' && e.kind !== 'ownerChanged' && e.kind !== 'updated').map((e) => e.id);
  if (other.length) await markInboundEventsDone(deps.db, other, deps.now());
  for (const part of [await syncOwnershipBatch(deps, owners), await claimFromFieldChanges(deps, updates)]) for (const [id, r] of part) outcome.set(id, r);
  if (created.length === 0) return outcome;

  const { version, doc } = await deps.configs.get();
  const records = await loadRecords(deps, created, (key) => (doc.mappings[key] ? mappedCrmFields(doc.mappings[key]) : []));
  const routable: Routable[] = [];
  for (const ev of created) {
    const key = `${ev.crm}/${ev.objectType}`;
    const mapping = doc.mappings[key];
    const rec = records.get(ev.id);
    if (!mapping) outcome.set(ev.id, errors.mappingFailed([{ path: `mappings["${key}"]`, message: 'no mapping for this object type' }]));
    else if (rec instanceof Error) outcome.set(ev.id, rec);
    else {
      const { lead, warnings } = applyMapping(rec as SourceRecord, mapping);
      routable.push({ ev, lead, warnings });
    }
  }
  // Waiting leads first (highest score, then oldest), then new ones oldest first.
  routable.sort((a, b) => rank(a) - rank(b) || (b.lead.score ?? -Infinity) - (a.lead.score ?? -Infinity) || a.ev.receivedAt.getTime() - b.ev.receivedAt.getTime());

  const now = deps.now();
  const decided = await deps.db.transaction(async (tx) => {
    const open = await lockRoutableInboundEvents(tx, routable.map((r) => r.ev.id));
    const todo = routable.filter((r) => open.has(r.ev.id));
    if (todo.length === 0) return { results: [], outboxIds: [] as string[], timers: [] as SlaTimerRow[] };
    const keys = stateKeys(doc.routing, now);
    const state: RoutingState = await loadRoutingStateForUpdate(tx, { pools: [globalLockKey, ...keys.pools], counters: keys.counters });

    // Two triggers for one record in a batch: route the first now, the rest in a later batch.
    const seen = new Set<string>();
    const results: Array<Routable & { decision: Decision }> = [];
    for (const r of todo) {
      const k = leadRecordKey(r.lead);
      if (seen.has(k)) {
        outcome.set(r.ev.id, new Error('another trigger for the same record is in this batch; retried'));
        continue;
      }
      seen.add(k);
      const decision = decide(r.lead, doc.routing, state, now, r.ev.status === 'queued' ? { queuedSince: r.ev.receivedAt } : {});
      applyToState(state, decision.stateChange);
      results.push({ ...r, decision });
    }

    const placed = results.filter((r) => r.decision.kind !== 'queued');
    const leadIds = await upsertLeads(
      tx,
      placed.map(({ lead, decision: d }) => ({
        lead,
        ownerRepId: d.kind === 'assigned' && d.ownerKind === 'rep' ? d.ownerId : null,
        crmOwnerId: d.kind === 'assigned' ? d.crmOwnerId : null,
      })),
      now,
    );
    const assignmentRows: NewAssignment[] = placed.map(({ ev, lead, warnings, decision: d }) => ({
      eventId: ev.id,
      leadId: leadIds.get(leadRecordKey(lead))!,
      outcome: d.kind,
      repId: d.kind === 'assigned' && d.ownerKind === 'rep' ? d.ownerId : null,
      crmOwnerId: d.kind === 'assigned' ? d.crmOwnerId : null,
      poolId: d.poolId ?? null,
      ruleId: d.ruleId ?? null,
      reasonCode: d.code,
      decision: { ...d, mappingWarnings: warnings },
      configVersion: version,
    }));
    const assignmentIds = await insertAssignments(tx, assignmentRows);
    const timers = await armSlaTimers(tx, doc.routing, placed.map(({ ev, lead, decision }) => ({ leadId: leadIds.get(leadRecordKey(lead))!, assignmentId: assignmentIds.get(ev.id)!, decision })), now);
    await applyStateChange(tx, mergeStateChanges(results.map((r) => r.decision.stateChange)), now);
    const outboxRows: NewOutboxRow[] = placed.flatMap(({ ev, lead, decision: d }) =>
      d.kind === 'assigned'
        ? [{ assignmentId: assignmentIds.get(ev.id)!, leadId: leadIds.get(leadRecordKey(lead))!, crm: lead.source.crm, objectType: lead.source.objectType, recordId: lead.source.id, ownerId: d.crmOwnerId, extraFields: { routeReason: `${d.ruleId}: ${d.code}` } }]
        : [],
    );
    const outboxIds = await insertOutboxRows(tx, outboxRows);
    await markInboundEventsDone(tx, placed.map((r) => r.ev.id), now);
    await markInboundEventsQueued(tx, results.filter((r) => r.decision.kind === 'queued').map((r) => ({ id: r.ev.id, score: r.lead.score ?? null })));
    return { results, outboxIds, timers };
  });
  await scheduleSlaTimers(deps, decided.timers);

  if (deliver) deliver(decided.outboxIds);
  else for (const id of decided.outboxIds) {
    await deps.queue.enqueue('writeback', { v: 1, outboxId: id }, { jobId: id }).catch((err: Error) => {
      deps.logger.warn({ outboxId: id, err: err.message }, 'write-back job not enqueued; the sweeper will pick the outbox row up');
    });
  }
  for (const { ev, decision: d } of decided.results) {
    deps.metrics.leadsRouted.inc({ outcome: d.kind, reason: d.code });
    deps.logger.info({ eventId: ev.id, outcome: d.kind, code: d.code, owner: d.kind === 'assigned' ? d.ownerId : undefined, configVersion: version }, 'lead routed');
  }
  return outcome;
}

const rank = (r: Routable) => (r.ev.status === 'queued' ? 0 : 1);
