// One lead of a reroute, decided again (docs/bulk.md). Pure: the lead, its owner now, the config
// and the routing state in; what happens to it out, with the whole counter move to persist.
// The contract, "as one worker would":
// - the lead is decided with its current rep's open count given back first, so least_loaded and
//   open ceilings see the rep's load without the lead being moved;
// - the same CRM owner decided again: 'kept': no write, and the rep's own counters (open load,
//   caps) stay as they are, but the rotation turns as if they had been handed the lead again, so
//   a rep still in the pool keeps their share of the slice, not all of it;
// - no owner decided (pool exhausted, no rule, skipped, queued): 'unplaced', it stays where it is;
// - another owner: 'moved': the decision's own state change (rotation, caps, open of the new rep)
//   plus the previous rep's open lead given back (the day/week charge stays with them, as for an
//   SLA reassignment: they were handed it). Never below zero: a lead whose open count was never
//   charged here (set by hand before this service knew it) gives nothing back.
// The caller applies `stateChange` to its in-memory state before the next lead of the chunk.
import type { Lead } from '../lead/index.js';
import {
  decide,
  openKey,
  type Decision,
  type RoutingConfig,
  type RoutingState,
  type StateChange,
} from '../routing/index.js';

export interface RerouteLead {
  lead: Lead;
  ownerRepId: string | null;
  crmOwnerId: string | null;
}

export type RerouteStep =
  | {
      outcome: 'moved';
      decision: Extract<Decision, { kind: 'assigned' }>;
      toRepId: string | null;
      stateChange: StateChange;
    }
  | { outcome: 'kept' | 'unplaced'; decision: Decision; toRepId: string | null; stateChange: StateChange };

const none = (): StateChange => ({ cursors: {}, counterDeltas: {} });

export function rerouteLead(input: RerouteLead, config: RoutingConfig, state: RoutingState, now: Date): RerouteStep {
  const key = input.ownerRepId ? openKey(input.ownerRepId) : undefined;
  const givesBack = key !== undefined && (state.counters[key] ?? 0) > 0;
  // Given back for the decision only, then restored: the caller's state is unchanged on return.
  if (givesBack) state.counters[key] = state.counters[key]! - 1;
  let decision: Decision;
  try {
    decision = decide(input.lead, config, state, now);
  } finally {
    if (givesBack) state.counters[key] = state.counters[key]! + 1;
  }
  if (decision.kind !== 'assigned') return { outcome: 'unplaced', decision, toRepId: null, stateChange: none() };
  const toRepId = decision.ownerKind === 'rep' ? decision.ownerId : null;
  if (decision.crmOwnerId === input.crmOwnerId) {
    const own = `rep:${toRepId ?? ''}:`;
    const rotation = Object.entries(decision.stateChange.counterDeltas).filter(([k]) => !k.startsWith(own));
    return {
      outcome: 'kept',
      decision,
      toRepId,
      stateChange: { cursors: decision.stateChange.cursors, counterDeltas: Object.fromEntries(rotation) },
    };
  }
  const counterDeltas = { ...decision.stateChange.counterDeltas };
  if (givesBack) counterDeltas[key] = (counterDeltas[key] ?? 0) - 1;
  return { outcome: 'moved', decision, toRepId, stateChange: { cursors: decision.stateChange.cursors, counterDeltas } };
}
