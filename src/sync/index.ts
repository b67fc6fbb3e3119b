// The sync module's public surface: two-way ownership sync (echo detection, conflict policy)
// and SLA reassignment, all pure. The caller loads the ledger, calls these, and persists the
// result in one transaction (docs/sync.md).
export { classifyOwnershipChange, defaultEchoWindowSeconds } from './classify.js';
export {
  decideConflict,
  type ConflictContext,
  type ConflictDecision,
  type ConflictOutcome,
} from './decide-conflict.js';
export { resolveConflictPolicy, defaultConflictPolicy, type ResolvedPolicy } from './policy.js';
export { resolveOwner, findRepByCrmId, type ResolvedOwner } from './owners.js';
export { counterDeltasForMove, type CounterMove } from './counter-moves.js';
export { isClaimed, type FieldChange } from './claim.js';
export {
  slaFor,
  slaDeadlineFor,
  slaTimerSpec,
  onSlaBreach,
  type SlaBreachContext,
  type SlaBreachAction,
  type SlaStopReason,
} from './sla.js';
export { excludeReps } from './reassign.js';
export { validateSyncConfig } from './validate.js';
export { noIntegrationIdentity } from './types.js';
export type {
  Classification,
  ClassifyOptions,
  IntegrationIdentity,
  LedgerWrite,
  OwnershipChange,
  OwnershipLedger,
} from './types.js';
export type { ClaimCondition, ConflictPolicy, Sla, SyncSettings } from '../routing/index.js';
export {
  planOwnershipSync,
  toOwnershipChange,
  revertReasonCode,
  type OwnershipFacts,
  type OwnershipSettings,
  type OwnershipPlan,
} from './plan-ownership.js';
export {
  planRoutingBatch,
  byRoutingOrder,
  type RoutableLead,
  type RoutingSettings,
  type RoutingPlan,
} from './plan-routing.js';
export {
  planSlaFire,
  type SlaFireFacts,
  type SlaFireSettings,
  type SlaFirePlan,
  type SlaFireResult,
  type TimerClose,
} from './plan-sla-fire.js';
export { writeModeOf, reportFacts, type WriteMode, type ConnectorModes } from './report-facts.js';
