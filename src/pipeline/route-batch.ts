// Route a batch of stored events. Idempotent: the event rows are locked and their status
// re-read inside the one transaction that writes the leads, assignments, routing state and
// outbox rows, so a retry, a redelivery or a second worker finds them done and writes nothing.
// Fetch, plan, store: this file reads the records and maps them, locks and reads the routing
// state, calls planRoutingBatch (src/sync/plan-routing.ts, pure) and writes its rows.
import { applyMapping, mappedCrmFields, type SourceRecord } from '../mapping/index.js';
import {
  leadLockPartition,
  lockPartitions,
  stateKeys,
  type LockPartition,
  type RoutingConfig,
  type RoutingState,
} from '../routing/index.js';
import { byRoutingOrder, planRoutingBatch, type RoutableLead, type RoutingPlan } from '../sync/index.js';
import {
  getRoutableInboundEvents,
  listQueuedInboundEvents,
  lockForRouting,
  markInboundEventsDone,
  writeRoutingBatch,
  type ArmedTimer,
  type InboundEventRow,
  type DueNotification,
  allPoolsKeyOf,
  type Tx,
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
import { routingLockTimer } from './lock-timing.js';
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
  await scheduleSlaTimers(deps, decided.timers);

  await handOverWrites(deps, decided.outboxIds, { via: deliver });
  leadStage(deps.metrics, 'decide', decided.results.length, performance.now() - readEnd);
  await handOverNotifications(deps, decided.notifications);
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
  return outcome;
}

type Decided = {
  results: Array<RoutingPlan['decided'][number] & { configVersion: number }>;
  outboxIds: string[];
  timers: ArmedTimer[];
  leadIds: Map<string, string>;
  notifications: DueNotification[];
};

const emptyDecided = (): Decided => ({
  results: [],
  outboxIds: [],
  timers: [],
  leadIds: new Map(),
  notifications: [],
});

/** Adds b's to `into` (one accumulator for a batch's transactions). */
function addDecided(into: Decided, b: Decided): void {
  into.results.push(...b.results);
  into.outboxIds.push(...b.outboxIds);
  into.timers.push(...b.timers);
  for (const [k, v] of b.leadIds) into.leadIds.set(k, v);
  into.notifications.push(...b.notifications);
}

/**
 * Maps the created events with this config and routes them: one transaction per lock partition
 * the leads fall in (docs/scaling.md), in parallel. Answers what was decided and, when the
 * active config moved from this one under the locks, the events left to route again.
 */
async function routeCreated(
  deps: PipelineDeps,
  created: InboundEventRow[],
  { version, doc }: ActiveConfig,
  report: (id: string, r: Error | undefined) => void,
  turn: Turn,
): Promise<{ decided: Decided; stale: string[] | undefined; readEnd: number }> {
  const readStart = performance.now();
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

  // A CRM account change stored a moment ago (a reassignment) is applied before these leads match.
  if (routable.length > 0) await catchUpAccountChanges(deps);
  // On PGlite queries run on this thread: let requests that arrived meanwhile store their events
  // before the routing transaction takes the one connection (a turn of the loop on Postgres).
  await new Promise((resolve) => setImmediate(resolve));
  const now = deps.now();
  for (const r of routable) r.accounts = accountOptions(deps.accounts, r.lead, doc.routing);
  const config = {
    config: doc.routing,
    mappings: doc.mappings,
    version,
    connectors: doc.connectors,
    notifications: doc.notifications,
  };
  if (routable.length === 0) return { decided: emptyDecided(), stale: undefined, readEnd };
  // One transaction for the batch: the global lock when the config is one partition, else the
  // key rows of every partition its leads fall in (docs/scaling.md), taken in one sorted order
  // with their pools: one fixed cost (round trips, statement, commit) per batch, not per partition.
  const partitions = lockPartitions(doc.routing).partitioned ? partitionsOf(routable, doc.routing, now) : undefined;
  const keys = partitions ? partitions.map((p) => stateKeys(doc.routing, now, p)) : [stateKeys(doc.routing, now)];
  const lockKeys = partitions?.map((p) => p.key) ?? [globalLockKey];
  await turn.ready;
  const lockTiming = routingLockTimer(deps.metrics, lockKeys.length === 1 ? lockKeys[0]! : `${globalLockKey}/several`);
  const out = await deps.db.transaction(async (tx) => {
    const locked = await lockForRouting(
      tx,
      {
        eventIds: routable.map((r) => r.ev.id),
        pools: [...lockKeys, ...keys.flatMap((k) => k.pools)],
        counters: [...new Set(keys.flatMap((k) => k.counters))],
        ...(partitions && { partition: { configVersion: version } }),
      },
      lockTiming.locked,
    );
    turn.done();
    if (locked.stale) return { stale: routable.map((r) => r.ev.id) };
    // The "all pools" report rows of a partition transaction: its own (no two run at once with one partition).
    const allPools = partitions ? allPoolsKeyOf(lockKeys[0]!) : undefined;
    const decided = await decideAndWrite(
      tx,
      { leads: routable, routable: locked.routable, state: locked.state, allPools },
      config,
      now,
      report,
    );
    return { decided };
  });
  lockTiming.released();
  return { decided: out.decided ?? emptyDecided(), stale: out.stale, readEnd };
}

/** Plans the leads still routable under the locks and writes the plan, in the routing transaction. */
async function decideAndWrite(
  tx: Tx,
  {
    leads,
    routable,
    state,
    allPools,
  }: { leads: RoutableLead[]; routable: Set<string>; state: RoutingState; allPools: string | undefined },
  config: Parameters<typeof planRoutingBatch>[1],
  now: Date,
  report: (id: string, r: Error | undefined) => void,
): Promise<Decided> {
  const todo = leads.filter((r) => routable.has(r.ev.id));
  if (todo.length === 0) return emptyDecided();
  const plan = planRoutingBatch(todo, config, state, now);
  for (const id of plan.deferred)
    report(id, new Error('another trigger for the same record is in this batch; retried'));
  const written = await writeRoutingBatch(tx, plan.writes, now, allPools);
  const results = plan.decided.map((d) => ({ ...d, configVersion: config.version }));
  return { results, ...written };
}

/**
 * The lock partitions a batch's leads are decided in (sorted by key): each lead's first matching
 * rule's or the default's. Leads that touch no counter (no rule, a queue, a skip, closed on
 * creation) need none, unless no lead of the batch has one: then the first partition.
 */
function partitionsOf(routable: RoutableLead[], config: RoutingConfig, now: Date): LockPartition[] {
  const parts = new Set<LockPartition>();
  for (const r of routable) {
    const part = r.closed ? undefined : leadLockPartition(r.lead, config, now, { ...r.accounts });
    if (part) parts.add(part);
  }
  if (parts.size === 0) parts.add(lockPartitions(config).list[0]!);
  return [...parts].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
