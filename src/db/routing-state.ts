// Rotation cursors and counters are read under row locks and written in the same transaction
// as the assignment, so parallel workers never lose an update or pick the same rep twice.
import { inArray, sql } from 'drizzle-orm';
import type { RoutingState, StateChange } from '../routing/index.js';
import type { DbOrTx, Tx } from './client.js';
import { rotationCursors, routingCounters } from './schema.js';

export async function loadRoutingStateForUpdate(tx: Tx, keys: { pools: string[]; counters: string[] }): Promise<RoutingState> {
  const state: RoutingState = { cursors: {}, counters: {} };
  const pools = [...new Set(keys.pools)].sort();
  if (pools.length > 0) {
    // Sorted lock order: two transactions locking overlapping pools never deadlock.
    const lock = () =>
      tx
        .select({ poolId: rotationCursors.poolId, position: rotationCursors.position })
        .from(rotationCursors)
        .where(inArray(rotationCursors.poolId, pools))
        .orderBy(rotationCursors.poolId)
        .for('update');
    let rows = await lock();
    // A pool's first lead: create its row, then lock again (one extra round trip, once per pool).
    if (rows.length < pools.length) {
      await tx
        .insert(rotationCursors)
        .values(pools.map((poolId) => ({ poolId, position: -1 })))
        .onConflictDoNothing();
      rows = await lock();
    }
    for (const r of rows) state.cursors[r.poolId] = r.position;
  }
  if (keys.counters.length > 0) {
    const rows = await tx
      .select({ key: routingCounters.key, value: routingCounters.value })
      .from(routingCounters)
      .where(inArray(routingCounters.key, keys.counters));
    for (const r of rows) state.counters[r.key] = r.value;
  }
  return state;
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
