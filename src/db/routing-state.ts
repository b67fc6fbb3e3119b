// Rotation cursors and counters are read under row locks and written in the same transaction
// as the assignment, so parallel workers never lose an update or pick the same rep twice.
import { inArray, sql } from 'drizzle-orm';
import type { RoutingState, StateChange } from '../routing/index.js';
import { jsonParam as json, rowsOf, type DbOrTx, type Tx } from './client.js';
import { routableStatuses } from './inbound-events.js';
import { rotationCursors, routingCounters } from './schema.js';

/**
 * Locks the events (id order) and the pools' cursor rows (sorted: overlapping transactions
 * never deadlock), in that order, and reads the counters. Answers the events still routable
 * (the status read under the lock decides, so a retry or a second worker writes nothing).
 */
export async function lockForRouting(tx: Tx, keys: { eventIds: string[]; pools: string[]; counters: string[] }): Promise<{ routable: Set<string>; state: RoutingState }> {
  const pools = [...new Set(keys.pools)].sort();
  const read = async () =>
    rowsOf<{ t: 'e' | 'c' | 'k'; k: string; s: string | null; n: string | number | null }>(
      await tx.execute(sql`
        with ev as (
          select id::text as k, status as s from inbound_events
          where id in (select jsonb_array_elements_text(${json(keys.eventIds)})::uuid) order by id for update
        ), cur as (
          select pool_id as k, position as n from rotation_cursors
          where pool_id in (select jsonb_array_elements_text(${json(pools)})) order by pool_id for update
        )
        select 'e' as t, k, s, null::bigint as n from ev
        union all select 'c', k, null, n from cur
        union all select 'k', key, null, value from routing_counters where key in (select jsonb_array_elements_text(${json(keys.counters)}))`),
    );
  let rows = await read();
  if (rows.filter((r) => r.t === 'c').length < pools.length) {
    // A pool's first lead: create its row, then lock again (one extra round trip, once per pool).
    await tx.execute(sql`insert into rotation_cursors (pool_id, position) select jsonb_array_elements_text(${json(pools)}), -1 on conflict do nothing`);
    rows = await read();
  }
  const routable = new Set<string>();
  const state: RoutingState = { cursors: {}, counters: {} };
  for (const r of rows) {
    if (r.t === 'e' && (routableStatuses as readonly (string | null)[]).includes(r.s)) routable.add(r.k);
    else if (r.t === 'c') state.cursors[r.k] = Number(r.n);
    else if (r.t === 'k') state.counters[r.k] = Number(r.n);
  }
  return { routable, state };
}

/** The routing state under the same locks, for paths that lock their own events (sync, SLA). */
export async function loadRoutingStateForUpdate(tx: Tx, keys: { pools: string[]; counters: string[] }): Promise<RoutingState> {
  return (await lockForRouting(tx, { eventIds: [], ...keys })).state;
}

export async function applyStateChange(tx: Tx, change: StateChange, now: Date): Promise<void> {
  const cursors = Object.entries(change.cursors);
  if (cursors.length > 0) {
    await tx
      .insert(rotationCursors)
      .values(cursors.map(([poolId, position]) => ({ poolId, position, updatedAt: now })))
      .onConflictDoUpdate({ target: rotationCursors.poolId, set: { position: sql`excluded.position`, updatedAt: now } });
  }
  const deltas = Object.entries(change.counterDeltas).filter(([, d]) => d !== 0);
  if (deltas.length > 0) {
    await tx
      .insert(routingCounters)
      .values(deltas.map(([key, value]) => ({ key, value })))
      .onConflictDoUpdate({ target: routingCounters.key, set: { value: sql`${routingCounters.value} + excluded.value` } });
  }
}

export async function readCounters(db: DbOrTx, keys: string[]): Promise<Record<string, number>> {
  if (keys.length === 0) return {};
  const rows = await db.select().from(routingCounters).where(inArray(routingCounters.key, keys));
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}
