// Closed records are not routed. routing.sync.closedWhen says which CRM field values mean
// "closed" (won, lost, converted); a record that is already closed when it is created is stored
// with outcome `skipped` and the reason, not routed, and nothing is written to its CRM.
// On creation only `in` / `notIn` conditions apply: `changedFrom` describes a change, and a
// record being created has changed from nothing.
import type { ClaimCondition, Decision } from '../routing/index.js';
import { isClaimed } from '../sync/index.js';

/** The closedWhen condition a new record already meets, or undefined. `fields` are CRM field names. */
export function closedOnCreation(
  closedWhen: readonly ClaimCondition[],
  fields: Record<string, unknown>,
): ClaimCondition | undefined {
  return closedWhen.find((c) => !('changedFrom' in c) && isClaimed({ fields }, { claimedWhen: [c] }));
}

const valueOf = (fields: Record<string, unknown>, name: string) =>
  Object.entries(fields).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];

/** The decision stored for a record created closed: like a skip action's, under the pseudo rule "closedWhen". */
export function skippedAsClosed(condition: ClaimCondition, fields: Record<string, unknown>): Decision {
  const skipReason = `created closed: ${condition.field} is ${JSON.stringify(valueOf(fields, condition.field))} (routing.sync.closedWhen)`;
  return {
    kind: 'skipped',
    code: 'SKIPPED',
    ruleId: 'closedWhen',
    skipReason,
    reasons: [{ code: 'SKIPPED', detail: skipReason }],
    trace: { rules: [] },
    stateChange: { cursors: {}, counterDeltas: {} },
  };
}
