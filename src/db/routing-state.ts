// Routing state -- the counters (caps, open leads, weighted credits, each rep's place on a rotation
// line) and the old per-pool cursors -- is read under row locks and written in the same
// transaction as the assignment, so parallel workers never lose an update or pick the same rep
// twice. Places on a line are absolute values written as increments (new minus read), which is
// only exact because they are read here, after the locks.
// Invariant 8 (N workers decide as one would) rests on the order of two statements: under READ
// COMMITTED a statement sees the database as it was when the statement began, so a statement
// that waits for the lock and then reads an unlocked row (a day cap, a weighted credit, an open
// count) reads it as it was BEFORE the lock holder committed. So the first statement only takes
// the locks; the state decide() reads comes from a second statement, whose snapshot is taken
// after the locks are held and so includes every commit that released them.
import { inArray, sql } from 'drizzle-orm';
import type { RepStatus, RoutingState, StateChange } from '../routing/index.js';
import { anyUuid, executeNamed, jsonParam as json, rowsOf, type DbOrTx, type Tx } from './client.js';
import { publishLockKey } from './config-versions.js';
import { routableStatuses } from './inbound-events.js';
import { repAvailabilityJson, repStatusOf, type RepAvailabilityRow } from './rep-availability.js';
import { rotationCursors, routingCounters } from './schema.js';

/** The global routing row: a transaction naming it among its pools excludes every other routing transaction. */
export const globalRoutingLockKey = '$routing';
// Held with the global row: exclusive by a transaction naming `$routing`, shared by a lock
// partition's transaction, so partitions run in parallel with each other and never beside a
// global one. An advisory lock (memory only): sharing a row lock would write the row per locker.
const globalAdvisoryKey = 0x4c52_0c10;

/**
 * A lock partition's transaction (docs/scaling.md): the config version its partitions came from.
 * Its pools name the key rows of every partition it decides in (one transaction locks all the
 * partitions a batch spans, sorted with their pools like any other rows).
 */
export interface PartitionLock {
  configVersion: number;
}

/**
 * Locks the events (id order) and the pools' cursor rows (sorted: overlapping transactions
 * never deadlock), in that order, then reads the cursors and counters. Answers the events still
 * routable (the status read under the lock decides, so a retry or a second worker writes
 * nothing) and the routing state as the last transaction holding these locks left it.
 * With `partition`, the global lock and the publish lock are held shared, and `stale` says the
 * active config moved from the version the partitions were computed for: the caller decides
 * nothing and retries with the new config (two versions' partitions never run side by side).
 */
export async function lockForRouting(
  tx: Tx,
  keys: { eventIds: string[]; pools: string[]; counters: string[]; partition?: PartitionLock },
  /** Called once the locks are held (lock wait and hold metrics). */
  onLocked?: () => void,
): Promise<{ routable: Set<string>; state: RoutingState; stale: boolean }> {
  const pools = [...new Set(keys.pools)].sort();
  const routable = await lockRows(tx, keys.eventIds, pools, keys.partition !== undefined);
  onLocked?.();
  const { state, activeVersion } = await readLockedState(tx, pools, keys.counters, keys.partition !== undefined);
  const stale =
    keys.partition !== undefined && activeVersion !== undefined && activeVersion !== keys.partition.configVersion;
  return { routable, state, stale };
}

/** The routing state under the same locks, for paths that lock their own events (SLA). */
export async function loadRoutingStateForUpdate(
  tx: Tx,
  keys: { pools: string[]; counters: string[] },
): Promise<RoutingState> {
  return (await lockForRouting(tx, { eventIds: [], ...keys })).state;
}

/** Only the locks, for a path that decides nothing from cursors or counters it has not read after (sync). */
export async function lockRoutingState(tx: Tx, pools: string[]): Promise<void> {
  await lockRows(tx, [], [...new Set(pools)].sort(), false);
}

/**
 * One statement: the locks, and the events' statuses (FOR UPDATE reads a row it waited for at its
 * newest version). Always in this order: events, the advisory locks, cursor rows (an Append runs
 * its branches in order), so no two routing transactions wait for each other in a circle.
 */
async function lockRows(tx: Tx, eventIds: string[], pools: string[], shared: boolean): Promise<Set<string>> {
  const advisory = shared
    ? sql`select 'a' as t, '' as k, null as s from pg_advisory_xact_lock_shared(${publishLockKey}) p, pg_advisory_xact_lock_shared(${globalAdvisoryKey}) g`
    : pools.includes(globalRoutingLockKey)
      ? sql`select 'a' as t, '' as k, null as s from pg_advisory_xact_lock(${globalAdvisoryKey})`
      : sql`select 'a' as t, '' as k, null as s where false`;
  const lock = async () =>
    rowsOf<{ t: 'e' | 'c' | 'a'; k: string; s: string | null }>(
      await executeNamed(
        tx,
        sql`
        with ev as (
          select id::text as k, status as s from inbound_events
          where id = ${anyUuid(eventIds)} order by id for update
        ), cur as (
          select pool_id as k from rotation_cursors
          where pool_id in (select jsonb_array_elements_text(${json(pools)})) order by pool_id for update
        )
        select 'e' as t, k, s from ev
        union all (${advisory})
        union all select 'c', k, null from cur`,
      ),
    );
  let locked = await lock();
  if (locked.filter((r) => r.t === 'c').length < pools.length) {
    // A pool's first lead: create its row, then lock again (one extra round trip, once per pool).
    await tx.execute(
      sql`insert into rotation_cursors (pool_id, position) select jsonb_array_elements_text(${json(pools)}), -1 on conflict do nothing`,
    );
    locked = await lock();
  }
  const routable = new Set<string>();
  for (const r of locked)
    if (r.t === 'e' && (routableStatuses as readonly (string | null)[]).includes(r.s)) routable.add(r.k);
  return routable;
}

/**
 * A new statement, so a new snapshot: taken after the locks are held (see the top of the file).
 * The reps' away/back rows (set through the API, overlaid on the config by decide:
 * routing/rep-status.ts) come in the same statement: one round trip per routing transaction.
 */
async function readLockedState(
  tx: Tx,
  pools: string[],
  counters: string[],
  /** A partition transaction's check (lockForRouting); the global lock needs none. */
  withVersion: boolean,
): Promise<{ state: RoutingState; activeVersion: number | undefined }> {
  const availability: Record<string, RepStatus> = {};
  const state: RoutingState = { cursors: {}, counters: {}, availability };
  let activeVersion: number | undefined;
  const rows = rowsOf<{ t: 'c' | 'k' | 'v' | 'r'; k: string; n: string | number | null; r: RepAvailabilityRow | null }>(
    await executeNamed(
      tx,
      sql`
      select 'c' as t, pool_id as k, position::bigint as n, null::jsonb as r from rotation_cursors
      where pool_id = any(array(select jsonb_array_elements_text(${json(pools)})))
      union all select 'k', key, value, null from routing_counters
      where key = any(array(select jsonb_array_elements_text(${json(counters)})))
      union all select 'v', '', version::bigint, null from config_active where id = 1 and ${withVersion}
      union all select 'r', rep_id, null, ${repAvailabilityJson} from rep_availability`,
    ),
  );
  for (const r of rows)
    if (r.t === 'v') activeVersion = Number(r.n);
    else if (r.t === 'r') availability[r.k] = repStatusOf(r.r!);
    else (r.t === 'c' ? state.cursors : state.counters)[r.k] = Number(r.n);
  return { state, activeVersion };
}

export async function applyStateChange(tx: Tx, change: StateChange, now: Date): Promise<void> {
  const cursors = Object.entries(change.cursors);
  if (cursors.length > 0) {
    await tx
      .insert(rotationCursors)
      .values(cursors.map(([poolId, position]) => ({ poolId, position, updatedAt: now })))
      .onConflictDoUpdate({
        target: rotationCursors.poolId,
        set: { position: sql`excluded.position`, updatedAt: now },
      });
  }
  const deltas = Object.entries(change.counterDeltas).filter(([, d]) => d !== 0);
  if (deltas.length > 0) {
    await tx
      .insert(routingCounters)
      .values(deltas.map(([key, value]) => ({ key, value })))
      .onConflictDoUpdate({
        target: routingCounters.key,
        set: { value: sql`${routingCounters.value} + excluded.value` },
      });
  }
}

export async function readCounters(db: DbOrTx, keys: string[]): Promise<Record<string, number>> {
  if (keys.length === 0) return {};
  const rows = await db.select().from(routingCounters).where(inArray(routingCounters.key, keys));
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}
