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
import type { RoutingState, StateChange } from '../routing/index.js';
import { jsonParam as json, rowsOf, type DbOrTx, type Tx } from './client.js';
import { publishLockKey } from './config-versions.js';
import { routableStatuses } from './inbound-events.js';
import { readRepAvailability } from './rep-availability.js';
import { rotationCursors, routingCounters } from './schema.js';

/** The global routing row: a transaction naming it among its pools excludes every other routing transaction. */
export const globalRoutingLockKey = '$routing';
// Held with the global row: exclusive by a transaction naming `$routing`, shared by a lock
// partition's transaction, so partitions run in parallel with each other and never beside a
// global one. An advisory lock (memory only): sharing a row lock would write the row per locker.
const globalAdvisoryKey = 0x4c52_0c10;

/** A lock partition's transaction (docs/scaling.md): the config version its partitions came from. */
export interface PartitionLock {
  configVersion: number;
  /**
   * The partitions the batch's leads fall in, each with the pools and counters its decisions
   * read. The transaction takes those free now (SKIP LOCKED) and decides their leads together,
   * one fixed cost for all; when none is free it waits for all of them (sorted).
   */
  partitions: Array<{ key: string; pools: string[]; counters: string[] }>;
}

/**
 * Locks the events (id order) and the pools' cursor rows (sorted: overlapping transactions
 * never deadlock), in that order, then reads the cursors and counters. Answers the events still
 * routable (the status read under the lock decides, so a retry or a second worker writes
 * nothing) and the routing state as the last transaction holding these locks left it.
 */
export async function lockForRouting(
  tx: Tx,
  keys: { eventIds: string[]; pools: string[]; counters: string[] },
  /** Called once the locks are held (lock wait and hold metrics). */
  onLocked?: () => void,
): Promise<{ routable: Set<string>; state: RoutingState }> {
  const pools = [...new Set(keys.pools)].sort();
  const routable = await lockRows(tx, keys.eventIds, pools);
  onLocked?.();
  const { state } = await readLockedState(tx, pools, keys.counters, false);
  // Away/back set through the API, overlaid on the config by decide (routing/rep-status.ts).
  state.availability = await readRepAvailability(tx);
  return { routable, state };
}

/**
 * A partition transaction's locks (docs/scaling.md): the global lock and the publish lock held
 * shared, the events, then of `lock.partitions` those no other transaction holds (their key rows
 * FOR UPDATE SKIP LOCKED, then their pools' rows), or, when every one is held, all of them in key
 * order, waiting. A transaction waits only while it holds no partition row, and then in one
 * order, so no two wait for each other in a circle. Answers the partitions held (`held`, their
 * keys), and `stale` when the active config moved from `lock.configVersion`: the caller decides
 * nothing and retries with the new config (two versions' partitions never run side by side).
 */
export async function lockPartitionsForRouting(
  tx: Tx,
  eventIds: string[],
  lock: PartitionLock,
  onLocked?: (held: string[]) => void,
): Promise<{ routable: Set<string>; state: RoutingState; held: string[]; stale: boolean }> {
  const parts = [...lock.partitions].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const poolsOf = Object.fromEntries(parts.map((p) => [p.key, [...new Set(p.pools)].sort()]));
  const rows = [...parts.map((p) => p.key), ...Object.values(poolsOf).flat()];
  const lockSome = async (wait: boolean) =>
    rowsOf<{ t: 'e' | 'a' | 'p' | 'c' | 'x'; k: string; s: string | null }>(
      await tx.execute(sql`
        with ev as (${eventsForUpdate(eventIds)}), part as (
          select pool_id as k from rotation_cursors
          where pool_id in (select jsonb_array_elements_text(${json(parts.map((p) => p.key))}))
          order by pool_id for update ${wait ? sql`` : sql`skip locked`}
        ), cur as (
          select pool_id as k from rotation_cursors
          where pool_id in (select jsonb_array_elements_text(${json(poolsOf)} -> part.k) from part) order by pool_id for update
        )
        select 'e' as t, k, s from ev
        union all select 'a', '', null from pg_advisory_xact_lock_shared(${publishLockKey}) p, pg_advisory_xact_lock_shared(${globalAdvisoryKey}) g
        union all select 'p', k, null from part
        union all select 'c', k, null from cur
        union all select 'x', pool_id, null from rotation_cursors where pool_id in (select jsonb_array_elements_text(${json(rows)}))`),
    );
  let locked = await lockSome(false);
  if (locked.filter((r) => r.t === 'x').length < rows.length) {
    // A partition's or pool's first lead: create the rows (a skipped row and a missing one look alike), lock again.
    await tx.execute(
      sql`insert into rotation_cursors (pool_id, position) select jsonb_array_elements_text(${json(rows)}), -1 on conflict do nothing`,
    );
    locked = await lockSome(false);
  }
  // Every partition busy: wait for all of them, holding none meanwhile.
  if (!locked.some((r) => r.t === 'p')) locked = await lockSome(true);
  const held = locked.filter((r) => r.t === 'p').map((r) => r.k);
  onLocked?.(held);
  const heldParts = parts.filter((p) => held.includes(p.key));
  const { state, activeVersion } = await readLockedState(
    tx,
    heldParts.flatMap((p) => poolsOf[p.key]!),
    [...new Set(heldParts.flatMap((p) => p.counters))],
    true,
  );
  const routable = routableOf(locked);
  if (activeVersion !== undefined && activeVersion !== lock.configVersion)
    return { routable, state, held, stale: true };
  state.availability = await readRepAvailability(tx);
  return { routable, state, held, stale: false };
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
  await lockRows(tx, [], [...new Set(pools)].sort());
}

/**
 * One statement: the locks, and the events' statuses (FOR UPDATE reads a row it waited for at its
 * newest version). Always in this order: events, the advisory locks, cursor rows (an Append runs
 * its branches in order), so no two routing transactions wait for each other in a circle.
 */
async function lockRows(tx: Tx, eventIds: string[], pools: string[]): Promise<Set<string>> {
  const advisory = pools.includes(globalRoutingLockKey)
    ? sql`select 'a' as t, '' as k, null as s from pg_advisory_xact_lock(${globalAdvisoryKey})`
    : sql`select 'a' as t, '' as k, null as s where false`;
  const lock = async () =>
    rowsOf<{ t: 'e' | 'c' | 'a'; k: string; s: string | null }>(
      await tx.execute(sql`
        with ev as (${eventsForUpdate(eventIds)}), cur as (
          select pool_id as k from rotation_cursors
          where pool_id in (select jsonb_array_elements_text(${json(pools)})) order by pool_id for update
        )
        select 'e' as t, k, s from ev
        union all (${advisory})
        union all select 'c', k, null from cur`),
    );
  let locked = await lock();
  if (locked.filter((r) => r.t === 'c').length < pools.length) {
    // A pool's first lead: create its row, then lock again (one extra round trip, once per pool).
    await tx.execute(
      sql`insert into rotation_cursors (pool_id, position) select jsonb_array_elements_text(${json(pools)}), -1 on conflict do nothing`,
    );
    locked = await lock();
  }
  return routableOf(locked);
}

/** The events' statuses, their rows locked in id order (every routing transaction locks them first). */
const eventsForUpdate = (eventIds: string[]) => sql`
  select id::text as k, status as s from inbound_events
  where id in (select jsonb_array_elements_text(${json(eventIds)})::uuid) order by id for update`;

/** The locked events whose status still asks for routing. */
function routableOf(locked: Array<{ t: string; k: string; s: string | null }>): Set<string> {
  const routable = new Set<string>();
  for (const r of locked)
    if (r.t === 'e' && (routableStatuses as readonly (string | null)[]).includes(r.s)) routable.add(r.k);
  return routable;
}

/** A new statement, so a new snapshot: taken after the locks are held (see the top of the file). */
async function readLockedState(
  tx: Tx,
  pools: string[],
  counters: string[],
  /** A partition transaction's check (lockPartitionsForRouting); the global lock needs none. */
  withVersion: boolean,
): Promise<{ state: RoutingState; activeVersion: number | undefined }> {
  const state: RoutingState = { cursors: {}, counters: {} };
  let activeVersion: number | undefined;
  const rows = rowsOf<{ t: 'c' | 'k' | 'v'; k: string; n: string | number }>(
    await tx.execute(sql`
      select 'c' as t, pool_id as k, position::bigint as n from rotation_cursors where pool_id in (select jsonb_array_elements_text(${json(pools)}))
      union all select 'k', key, value from routing_counters where key in (select jsonb_array_elements_text(${json(counters)}))
      union all select 'v', '', version::bigint from config_active where id = 1 and ${withVersion}`),
  );
  for (const r of rows)
    if (r.t === 'v') activeVersion = Number(r.n);
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
