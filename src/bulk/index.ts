// Bulk work, the pure half (docs/bulk.md): the reroute filter grammar, one lead re-decided, and
// the plan a person reads. The pipeline loads leads and state, calls these, and stores the result.
export {
  parseLeadFilter,
  formatLeadFilter,
  filterFields,
  type LeadFilter,
  type FilterCondition,
  type ListCondition,
  type AgeCondition,
} from './filter.js';
export { rerouteLead, type RerouteLead, type RerouteStep } from './reroute-step.js';
export {
  planTally,
  formatPlan,
  type PlanSummary,
  type PlanTally,
  type RerouteFlow,
  type RepBalance,
  type RerouteOutcome,
} from './plan-summary.js';
