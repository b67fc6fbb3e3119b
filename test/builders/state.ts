// In-memory routing state for tests and benches: what the caller's transaction does in Postgres.
import type { Decision, RoutingState, StateChange } from '../../src/routing/index.js';

export function noHistory(): RoutingState {
  return { cursors: {}, counters: {} };
}

/** Applies a decision's change as the caller would: cursors are absolute, counters increment. */
export function applyStateChange(state: RoutingState, change: StateChange): RoutingState {
  Object.assign(state.cursors, change.cursors);
  for (const [key, delta] of Object.entries(change.counterDeltas))
    state.counters[key] = (state.counters[key] ?? 0) + delta;
  return state;
}

/** Counts leads per owner over a run of decisions. */
export function tally(decisions: readonly Decision[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of decisions) if (d.kind === 'assigned') out[d.ownerId] = (out[d.ownerId] ?? 0) + 1;
  return out;
}
