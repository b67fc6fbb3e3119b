// Route a batch of stored events. Idempotent: the event rows are locked and their status
// re-read inside the one transaction that writes the leads, assignments, routing state and
// outbox rows, so a retry, a redelivery or a second worker finds them done and writes nothing.
import { applyMapping, mappedCrmFields, ownerWriteFields, type SourceRecord } from '../mapping/index.js';
import { decide, stateKeys, type Decision } from '../routing/index.js';
import {
  getRoutableInboundEvents,
  leadRecordKey,
  listQueuedInboundEvents,
  lockForRouting,
  markInboundEventsDone,
  writeRoutingBatch,
  type ArmedTimer,
  type InboundEventRow,
} from '../db/index.js';
import { errors } from '../errors.js';
import type { Lead } from '../lead/index.js';
import type { MappingWarning } from '../mapping/index.js';
import type { PipelineDeps } from './deps.js';
import type { BatchOutcome } from './group-commit.js';
import { handOverWrites, type DeliverWrites } from './hand-over.js';
import { leadLogger } from './lead-log.js';
import { loadRecords } from './load-records.js';
import { mergeStateChanges, applyToState } from './state-change.js';
import { routingLockKey as globalLockKey } from './routing-lock.js';
import { claimFromFieldChanges, scheduleSlaTimers, slaTimerSpec } from './sla-timers.js';
import { closedOnCreation, skippedAsClosed } from './skip-closed.js';
import { syncOwnershipBatch } from './sync-ownership.js';

interface Routable {
  ev: InboundEventRow;
  lead: Lead;
  warnings: MappingWarning[];
  /** Set when the record was created closed (routing.sync.closedWhen): stored as skipped, not routed. */
  closed?: Decision;
}

/**
 * How many waiting leads a batch with new leads routes first. Each is decided again (its record
 * read again), so this bounds what a new lead costs while a full pool holds many.
 */
export const waitingLeadsPerBatch = 100;

/**
 * Waiting leads first: a batch holding new leads also takes the leads full pools are holding
 * (highest score, then oldest), so capacity freed by a close goes to a lead that was already
 * waiting, not to a new one that arrived with the close. The routing lock serialises batches,
 * and a waiting lead another worker placed meanwhile is found done under it.
 */
async function withWaitingLeads(deps: PipelineDeps, created: InboundEventRow[]): Promise<InboundEventRow[]> {
  if (!created.some((e) => e.status !== 'queued')) return created;
  const inBatch = new Set(created.map((e) => e.id));
  const waiting = (await listQueuedInboundEvents(deps.db, waitingLeadsPerBatch))
    .map((e) => e.id)
    .filter((id) => !inBatch.has(id));
  return waiting.length === 0 ? created : [...created, ...(await getRoutableInboundEvents(deps.db, waiting))];
}

/**
 * `deliver` takes the new outbox rows once the transaction has committed (the worker hands them
 * straight to its own write-back batcher); without it each row gets a write-back job.
 */
export async function routeBatch(
  deps: PipelineDeps,
  eventIds: string[],
  deliver?: DeliverWrites,
): Promise<BatchOutcome> {
  const outcome: BatchOutcome = new Map(eventIds.map((id) => [id, undefined]));
  // Waiting leads pulled into this batch are not its jobs: their outcome is not this batch's to report.
  const report = (id: string, r: Error | undefined) => {
    if (outcome.has(id)) outcome.set(id, r);
  };
  const events = await getRoutableInboundEvents(deps.db, eventIds);
  // Owner changes go to the ownership sync, field updates to the SLA claim check (docs/sync.md).
  const owners = events.filter((e) => e.kind === 'ownerChanged');
  const updates = events.filter((e) => e.kind === 'updated');
  const other = events
    .filter((e) => e.kind !== 'created' && e.kind !== 'ownerChanged' && e.kind !== 'updated')
    .map((e) => e.id);
  if (other.length) await markInboundEventsDone(deps.db, other, deps.now());
  for (const part of [await syncOwnershipBatch(deps, owners), await claimFromFieldChanges(deps, updates)])
    for (const [id, r] of part) outcome.set(id, r);
  // Read after the field changes above: a close in this batch has freed its capacity by now.
  const created = await withWaitingLeads(
    deps,
    events.filter((e) => e.kind === 'created'),
  );
  if (created.length === 0) return outcome;

  const { version, doc } = await deps.configs.get();
  const records = await loadRecords(deps, created, (key) =>
    doc.mappings[key] ? mappedCrmFields(doc.mappings[key]) : [],
  );
  const routable: Routable[] = [];
  const closedWhen = doc.routing.sync?.closedWhen ?? [];
  for (const ev of created) {
    const key = `${ev.crm}/${ev.objectType}`;
    const mapping = doc.mappings[key];
    const rec = records.get(ev.id);
    if (!mapping)
      report(ev.id, errors.mappingFailed([{ path: `mappings["${key}"]`, message: 'no mapping for this object type' }]));
    else if (rec instanceof Error) report(ev.id, rec);
    else {
      const { lead, warnings } = applyMapping(rec as SourceRecord, mapping);
      // The fields the mapping reads plus what the event carried (docs/routing.md, Closed records).
      const fields = {
        ...((ev.payload as { fields?: Record<string, unknown> }).fields ?? {}),
        ...(rec as SourceRecord).fields,
      };
      const closedBy = closedOnCreation(closedWhen, fields);
      routable.push(
        closedBy ? { ev, lead, warnings, closed: skippedAsClosed(closedBy, fields) } : { ev, lead, warnings },
      );
    }
  }
  // Waiting leads first (highest score, then oldest), then new ones oldest first.
  routable.sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (b.lead.score ?? -Infinity) - (a.lead.score ?? -Infinity) ||
      a.ev.receivedAt.getTime() - b.ev.receivedAt.getTime(),
  );

  // On PGlite queries run on this thread: let requests that arrived meanwhile store their events
  // before the routing transaction takes the one connection (a turn of the loop on Postgres).
  await new Promise((resolve) => setImmediate(resolve));
  const now = deps.now();
  const decided = await deps.db.transaction(async (tx) => {
    const keys = stateKeys(doc.routing, now);
    const { routable: open, state } = await lockForRouting(tx, {
      eventIds: routable.map((r) => r.ev.id),
      pools: [globalLockKey, ...keys.pools],
      counters: keys.counters,
    });
    const todo = routable.filter((r) => open.has(r.ev.id));
    if (todo.length === 0)
      return { results: [], outboxIds: [] as string[], timers: [] as ArmedTimer[], leadIds: new Map<string, string>() };

    // Two triggers for one record in a batch: route the first now, the rest in a later batch.
    const seen = new Set<string>();
    const results: Array<Routable & { decision: Decision }> = [];
    for (const r of todo) {
      const k = leadRecordKey(r.lead);
      if (seen.has(k)) {
        report(r.ev.id, new Error('another trigger for the same record is in this batch; retried'));
        continue;
      }
      seen.add(k);
      const decision =
        r.closed ??
        decide(r.lead, doc.routing, state, now, r.ev.status === 'queued' ? { queuedSince: r.ev.receivedAt } : {});
      applyToState(state, decision.stateChange);
      results.push({ ...r, decision });
    }

    const placed = results.filter((r) => r.decision.kind !== 'queued');
    const assigned = placed.filter((r) => r.decision.kind === 'assigned');
    const record = (lead: Lead) => ({
      crm: lead.source.crm,
      object_type: lead.source.objectType,
      record_id: lead.source.id,
    });
    const change = mergeStateChanges(results.map((r) => r.decision.stateChange));
    const written = await writeRoutingBatch(
      tx,
      {
        leads: placed.map(({ lead, decision: d }) => ({
          ...record(lead),
          data: lead,
          owner_rep_id: d.kind === 'assigned' && d.ownerKind === 'rep' ? d.ownerId : null,
          crm_owner_id: d.kind === 'assigned' ? d.crmOwnerId : null,
        })),
        assignments: placed.map(({ ev, lead, warnings, decision: d }) => ({
          event_id: ev.id,
          ...record(lead),
          outcome: d.kind,
          rep_id: d.kind === 'assigned' && d.ownerKind === 'rep' ? d.ownerId : null,
          crm_owner_id: d.kind === 'assigned' ? d.crmOwnerId : null,
          pool_id: d.poolId ?? null,
          rule_id: d.ruleId ?? null,
          reason_code: d.code,
          decision: { ...d, mappingWarnings: warnings },
          config_version: version,
        })),
        outbox: assigned.flatMap(({ ev, decision: d }) =>
          d.kind === 'assigned'
            ? [
                {
                  event_id: ev.id,
                  owner_id: d.crmOwnerId,
                  extra_fields: ownerWriteFields(doc.mappings, ev, `${d.ruleId}: ${d.code}`),
                },
              ]
            : [],
        ),
        reassignedEventIds: assigned.map((r) => r.ev.id),
        timers: assigned.flatMap(({ ev, decision }) => {
          const t = slaTimerSpec(doc.routing, decision, now);
          return t
            ? [{ event_id: ev.id, pool_id: t.poolId, rep_id: t.repId, due_at: t.dueAt.toISOString(), reassignments: 0 }]
            : [];
        }),
        cursors: change.cursors,
        counterDeltas: Object.fromEntries(Object.entries(change.counterDeltas).filter(([, d]) => d !== 0)),
        doneEventIds: placed.map((r) => r.ev.id),
        queued: results
          .filter((r) => r.decision.kind === 'queued')
          .map((r) => ({ id: r.ev.id, score: r.lead.score ?? null })),
      },
      now,
    );
    return { results, ...written };
  });
  await scheduleSlaTimers(deps, decided.timers);

  await handOverWrites(deps, decided.outboxIds, { via: deliver });
  const logRouted = deps.logger.isLevelEnabled('info');
  for (const { ev, decision: d } of decided.results) {
    deps.metrics.leadsRouted.inc({
      pool: d.poolId ?? 'none',
      rule: d.ruleId ?? 'none',
      outcome: d.kind,
      reason: d.code,
    });
    if (logRouted) {
      leadLogger(deps.logger, { leadId: decided.leadIds.get(ev.id), eventId: ev.id, requestId: ev.requestId }).info(
        {
          outcome: d.kind,
          code: d.code,
          pool: d.poolId,
          rule: d.ruleId,
          owner: d.kind === 'assigned' ? d.ownerId : undefined,
          configVersion: version,
        },
        'lead routed',
      );
    }
  }
  return outcome;
}

const rank = (r: Routable) => (r.ev.status === 'queued' ? 0 : 1);
