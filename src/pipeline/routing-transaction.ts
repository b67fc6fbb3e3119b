// One routing transaction: lock the leads' events and the lock partitions they are decided in,
// read those partitions' counters, decide every lead (planRoutingBatch, pure) and write the plan.
// Idempotent: the event rows are locked and their status re-read here, so a lead another
// transaction (a retry, a redelivery, another worker) routed is found done and written nothing.
// partition-lines.ts calls it once per partition line's turn, with the leads of one or more batches.
import {
  leadLockPartition,
  lockPartitions,
  stateKeys,
  type LockPartition,
  type RoutingConfig,
  type RoutingState,
} from '../routing/index.js';
import { planRoutingBatch, type RoutableLead, type RoutingPlan } from '../sync/index.js';
import {
  lockForRouting,
  writeRoutingBatch,
  allPoolsKeyOf,
  type ArmedTimer,
  type DueNotification,
  type Tx,
} from '../db/index.js';
import type { ActiveConfig } from './config-store.js';
import type { PipelineDeps } from './deps.js';
import { routingLockKey as globalLockKey } from './routing-lock.js';
import { routingLockTimer } from './lock-timing.js';

export type Report = (id: string, r: Error | undefined) => void;

export type Decided = {
  results: Array<RoutingPlan['decided'][number] & { configVersion: number }>;
  outboxIds: string[];
  timers: ArmedTimer[];
  leadIds: Map<string, string>;
  notifications: DueNotification[];
};

export const emptyDecided = (): Decided => ({
  results: [],
  outboxIds: [],
  timers: [],
  leadIds: new Map(),
  notifications: [],
});

/** Adds b's to `into` (one accumulator for a batch's transactions). */
export function addDecided(into: Decided, b: Decided): void {
  into.results.push(...b.results);
  into.outboxIds.push(...b.outboxIds);
  into.timers.push(...b.timers);
  for (const [k, v] of b.leadIds) into.leadIds.set(k, v);
  into.notifications.push(...b.notifications);
}

/**
 * Routes `leads` (in this order) with this config in one transaction: the global lock when the
 * config is one partition, else the key rows of every partition they fall in at this moment and
 * their pools, taken in one sorted order. Answers what was decided, or `stale` when the active
 * config moved from this one under the locks (nothing written: the caller routes them again).
 */
export async function routeInTransaction(
  deps: PipelineDeps,
  leads: RoutableLead[],
  { version, doc }: ActiveConfig,
  report: Report,
  /** Called once the locks are held (the line's next transaction may then queue for them). */
  onLocked?: () => void,
): Promise<{ decided: Decided; stale: boolean }> {
  const now = deps.now();
  const config = {
    config: doc.routing,
    mappings: doc.mappings,
    version,
    connectors: doc.connectors,
    notifications: doc.notifications,
  };
  // Taken again at this transaction's time: a rule that matches by the clock may have moved a
  // lead to another partition since its batch was split (rare; the transaction then holds both).
  const partitions = lockPartitions(doc.routing).partitioned ? partitionsOf(leads, doc.routing, now) : undefined;
  const keys = partitions ? partitions.map((p) => stateKeys(doc.routing, now, p)) : [stateKeys(doc.routing, now)];
  const lockKeys = partitions?.map((p) => p.key) ?? [globalLockKey];
  const lockTiming = routingLockTimer(deps.metrics, lockKeys.length === 1 ? lockKeys[0]! : `${globalLockKey}/several`);
  const out = await deps.db.transaction(async (tx) => {
    const locked = await lockForRouting(
      tx,
      {
        eventIds: leads.map((r) => r.ev.id),
        pools: [...lockKeys, ...keys.flatMap((k) => k.pools)],
        counters: [...new Set(keys.flatMap((k) => k.counters))],
        ...(partitions && { partition: { configVersion: version } }),
      },
      () => {
        lockTiming.locked();
        onLocked?.();
      },
    );
    if (locked.stale) return { decided: emptyDecided(), stale: true };
    // The "all pools" report rows of a partition transaction: its own (no two run at once with one partition).
    const allPools = partitions ? allPoolsKeyOf(lockKeys[0]!) : undefined;
    const decided = await decideAndWrite(
      tx,
      { leads, routable: locked.routable, state: locked.state, allPools },
      config,
      now,
      report,
    );
    return { decided, stale: false };
  });
  lockTiming.released(out.stale ? 0 : leads.length);
  return out;
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
  report: Report,
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
 * The lock partition a lead is decided in: its first matching rule's or the default's;
 * undefined when its decision touches no counter (no rule, a queue, a skip, closed on creation).
 */
export function leadPartition(r: RoutableLead, config: RoutingConfig, now: Date): LockPartition | undefined {
  return r.closed ? undefined : leadLockPartition(r.lead, config, now, { ...r.accounts });
}

/**
 * The lock partitions these leads are decided in (sorted by key). Leads that touch no counter
 * need none, unless none of them has one: then the first partition.
 */
function partitionsOf(leads: RoutableLead[], config: RoutingConfig, now: Date): LockPartition[] {
  const parts = new Set<LockPartition>();
  for (const r of leads) {
    const part = leadPartition(r, config, now);
    if (part) parts.add(part);
  }
  if (parts.size === 0) parts.add(lockPartitions(config).list[0]!);
  return [...parts].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
