// Route a batch of stored events. Idempotent: the event rows are locked and their status
// re-read inside the transaction that writes the leads, assignments, routing state and outbox
// rows, so a retry, a redelivery or a second worker finds them done and writes nothing.
// Fetch, split, hand over: this file reads the records and maps them, splits the leads by the
// lock partition they are decided in and gives each part to its partition's line
// (partition-lines.ts), whose transaction (routing-transaction.ts) locks, decides and writes.
import { applyMapping, mappedCrmFields, type SourceRecord } from '../mapping/index.js';
import { lockPartitions, type RoutingConfig } from '../routing/index.js';
import { byRoutingOrder, type RoutableLead } from '../sync/index.js';
import {
  getRoutableInboundEvents,
  getRoutableWithWaiting,
  listQueuedInboundEvents,
  markInboundEventsDone,
  type InboundEventRow,
} from '../db/index.js';
import { errors } from '../errors.js';
import type { ActiveConfig } from './config-store.js';
import type { PipelineDeps } from './deps.js';
import { accountOptions } from './account-lookup.js';
import { catchUpAccountChanges } from './account-changes.js';
import type { BatchOutcome } from './group-commit.js';
import { handOverNotifications, handOverWrites, type DeliverWrites } from './hand-over.js';
import { leadLogger } from './lead-log.js';
import { loadRecords } from './load-records.js';
import { leadStage } from './lead-stages.js';
import { routingLockKey as globalLockKey } from './routing-lock.js';
import { joinPartitionLine } from './partition-lines.js';
import { notePartitions } from './route-read-size.js';
import { addDecided, emptyDecided, leadPartition, type Decided, type Report } from './routing-transaction.js';
import { takeTurn, type Turn } from './arrival-order.js';
import { claimFromFieldChanges, scheduleSlaTimers } from './sla-timers.js';
import { closedOnCreation, skippedAsClosed } from './skip-closed.js';
import { syncOwnershipBatch } from './sync-ownership.js';

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
async function withWaitingLeads(
  deps: PipelineDeps,
  created: InboundEventRow[],
  /** Read with the batch's events, when nothing in the batch can have freed capacity since. */
  prefetched: InboundEventRow[] | undefined,
): Promise<InboundEventRow[]> {
  if (!created.some((e) => e.status !== 'queued')) return created;
  const inBatch = new Set(created.map((e) => e.id));
  if (prefetched) return [...created, ...prefetched.filter((e) => !inBatch.has(e.id))];
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
  // Taken before the first await: the place in line is the order the batches were formed.
  const turn = takeTurn(deps);
  try {
    return await routeBatchInTurn(deps, eventIds, turn, deliver);
  } finally {
    turn.done();
  }
}

async function routeBatchInTurn(
  deps: PipelineDeps,
  eventIds: string[],
  turn: Turn,
  deliver: DeliverWrites | undefined,
): Promise<BatchOutcome> {
  const outcome: BatchOutcome = new Map(eventIds.map((id) => [id, undefined]));
  // Waiting leads pulled into this batch are not its jobs: their outcome is not this batch's to report.
  const report: Report = (id, r) => {
    if (outcome.has(id)) outcome.set(id, r);
  };
  // The waiting leads come in the same read: one round trip fewer per batch.
  const { events, waiting } = await getRoutableWithWaiting(deps.db, eventIds, waitingLeadsPerBatch);
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
    owners.length + updates.length === 0 ? waiting : undefined,
  );
  if (created.length === 0) return outcome;

  // A publish that moves the lock partitions under a batch is found under its locks (stale):
  // the config is read again and the leads not yet decided are routed with the new one.
  const decided = emptyDecided();
  let pending = created;
  let readEnd = 0;
  for (let attempt = 1; ; attempt++) {
    const active = await deps.configs.get();
    const routed = await routeCreated(deps, pending, active, report, turn);
    addDecided(decided, routed.decided);
    readEnd = routed.readEnd;
    if (!routed.stale) break;
    deps.configs.invalidate();
    if (attempt === 3) {
      for (const id of routed.stale) report(id, new Error('the active config moved while routing; retried'));
      break;
    }
    const stale = new Set(routed.stale);
    pending = pending.filter((e) => stale.has(e.id));
  }
  // Counted and logged before the writes are handed over, so a lead's count and its 'lead routed'
  // line always come before its 'owner written'.
  const logRouted = deps.logger.isLevelEnabled('info');
  for (const { ev, decision: d, configVersion } of decided.results) {
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
          configVersion,
        },
        'lead routed',
      );
    }
  }
  await scheduleSlaTimers(deps, decided.timers);

  await handOverWrites(deps, decided.outboxIds, { via: deliver });
  leadStage(deps.metrics, 'decide', decided.results.length, performance.now() - readEnd);
  await handOverNotifications(deps, decided.notifications);
  return outcome;
}

/**
 * Maps the created events with this config, splits them by the lock partition they are decided
 * in and hands each part to its partition's line (partition-lines.ts), in this batch's turn.
 * Answers what was decided and, when the active config moved from this one under the locks, the
 * events left to route again.
 */
async function routeCreated(
  deps: PipelineDeps,
  created: InboundEventRow[],
  active: ActiveConfig,
  report: Report,
  turn: Turn,
): Promise<{ decided: Decided; stale: string[] | undefined; readEnd: number }> {
  const { doc } = active;
  const readStart = performance.now();
  // A CRM account change stored a moment ago (a reassignment) is applied before these leads match:
  // caught up while the records are read (it was one to three queries after the read, on every
  // lead's way from its read to its owner write); a change stored during the read goes with the
  // next batch, as one stored during the transaction always did.
  const caughtUp = created.length > 0 ? catchUpAccountChanges(deps) : undefined;
  // Awaited below; if the read throws first, its failure is the batch's, not an unhandled rejection.
  caughtUp?.catch(() => undefined);
  const records = await loadRecords(deps, created, (key) =>
    doc.mappings[key] ? mappedCrmFields(doc.mappings[key]) : [],
  );
  const routable: RoutableLead[] = [];
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
  const readEnd = performance.now();
  leadStage(deps.metrics, 'read', created.length, readEnd - readStart);
  // Waiting leads first (highest score, then oldest), then new ones oldest first.
  routable.sort(byRoutingOrder);

  await caughtUp;
  // On PGlite queries run on this thread: let requests that arrived meanwhile store their events
  // before the routing transaction takes the one connection (a turn of the loop on Postgres).
  await new Promise((resolve) => setImmediate(resolve));
  for (const r of routable) r.accounts = accountOptions(deps.accounts, r.lead, doc.routing);
  if (routable.length === 0) return { decided: emptyDecided(), stale: undefined, readEnd };
  const parts = splitByPartition(routable, doc.routing, deps.now());
  const partitions = lockPartitions(doc.routing);
  notePartitions(deps, partitions.partitioned ? partitions.list.length : 1);
  // Every earlier batch of this process has joined its lines: join ours, all at once, then let
  // the next batch join (per partition the lines keep formation order).
  await turn.ready;
  const maxLeads = deps.routeJobEvents ?? routable.length;
  const joined = [...parts].map(([key, leads]) =>
    joinPartitionLine(deps, key, { leads, active, report }, Math.max(maxLeads, leads.length)),
  );
  turn.done();
  const decided = emptyDecided();
  const stale: string[] = [];
  for (const [i, result] of (await Promise.all(joined)).entries()) {
    if (result.decided) addDecided(decided, result.decided);
    if (result.stale) stale.push(...[...parts.values()][i]!.map((r) => r.ev.id));
  }
  return { decided, stale: stale.length > 0 ? stale : undefined, readEnd };
}

/**
 * The batch's leads by the lock key of the partition they are decided in (their order kept):
 * `$routing` for the whole batch when the config is one partition. A lead whose decision
 * touches no counter (no rule, a queue, a skip, closed on creation) goes with the batch's first
 * part, or alone to the config's first partition when no lead has one.
 */
function splitByPartition(routable: RoutableLead[], config: RoutingConfig, now: Date): Map<string, RoutableLead[]> {
  const parts = lockPartitions(config);
  if (!parts.partitioned) return new Map([[globalLockKey, routable]]);
  const keyed = routable.map((r) => ({ r, key: leadPartition(r, config, now)?.key }));
  const anyKey = keyed.find((k) => k.key)?.key ?? parts.list[0]!.key;
  const out = new Map<string, RoutableLead[]>();
  for (const { r, key = anyKey } of keyed) {
    const list = out.get(key);
    if (list) list.push(r);
    else out.set(key, [r]);
  }
  return out;
}
