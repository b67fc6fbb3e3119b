import type { RoutingState, StateChange } from './types.js';

/** Applies one decision's change to the in-memory state, so the next decision in the batch sees it. */
export function applyToState(state: RoutingState, change: StateChange): void {
  Object.assign(state.cursors, change.cursors);
  for (const [k, d] of Object.entries(change.counterDeltas)) state.counters[k] = (state.counters[k] ?? 0) + d;
}

/** A batch's changes as one: the last cursor per pool, the sum of the deltas per counter. */
export function mergeStateChanges(changes: StateChange[]): StateChange {
  const merged: StateChange = { cursors: {}, counterDeltas: {} };
  for (const c of changes) {
    Object.assign(merged.cursors, c.cursors);
    for (const [k, d] of Object.entries(c.counterDeltas)) merged.counterDeltas[k] = (merged.counterDeltas[k] ?? 0) + d;
  }
  return merged;
}
