// The routing module's public surface. Everything here is pure: no I/O, no clock, no randomness.
export { decide } from './decide.js';
export { crmOwnerIdOf } from './crm-owner-id.js';
export { stateKeys } from './state-keys.js';
export { leadLockPartition, lockPartitions, type LockPartition, type LockPartitions } from './lock-partitions.js';
export { explainDecision } from './explain.js';
export { validateRoutingConfig, knownOf, type ConfigIssue, type Known, type PartialRoutingConfig } from './validate.js';
export { salvageRoutingConfig } from './salvage.js';
export { lintRoutingConfig } from './lint.js';
export { isKnownField, knownFieldNames } from './fields.js';
export {
  dayKey,
  weekKey,
  monthKey,
  hourKey,
  countsHours,
  openKey,
  creditKey,
  countKey,
  lastKey,
  lineSeqKey,
  poolLine,
  groupLine,
  globalLine,
} from './counter-keys.js';
export {
  routingConfigSchema,
  accountMatchingSchema,
  type AccountMatching,
  poolSchema,
  ruleSchema,
  actionSchema,
  conflictPolicySchema,
  slaSchema,
  syncSettingsSchema,
  strategies,
  countingPeriods,
  loadMeasures,
  type RoutingConfig,
  type RoutingConfigInput,
  type Pool,
  type Rule,
  type Strategy,
  type CountingPeriod,
  type LoadMeasure,
  type Action,
  type OverflowTarget,
  type Condition,
  type LeafCondition,
  type Operator,
  type When,
  type Account,
  type CrmQueue,
  type Rep,
  type ClaimCondition,
  type ConflictPolicy,
  type Sla,
  type SyncSettings,
} from './config-schema.js';
export { slaDeadline, nextWorkingInstant } from './sla-deadline.js';
export { ZoneClock, zoneClock, isValidTimeZone, type LocalTime } from './local-time.js';
export { repSchema, id, type RepInput } from './rep-schema.js';
export {
  scheduleSchema,
  holidayCalendarSchema,
  dateOverrideSchema,
  type ScheduleConfig,
  type HolidayCalendar,
  type DateOverride,
} from './schedule-schema.js';
export { operators } from './condition-schema.js';
export type {
  AccountTrace,
  Decision,
  DecideOptions,
  DecisionTrace,
  RuleTrace,
  PickTrace,
  CandidateTrace,
  CheckTrace,
  Reason,
  ReasonCode,
  SkipCode,
  ChoiceCode,
  UnassignedCode,
  RoutingState,
  StateChange,
  RepStatus,
} from './types.js';
export { applyToState, mergeStateChanges } from './state-change.js';
