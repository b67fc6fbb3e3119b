export { decide, stateKeys } from './decide.js';
export { routingConfigSchema, type RoutingConfig, type Rep, type Pool, type Rule } from './config-schema.js';
export type { Decision, Reason, RoutingState, StateChange } from './types.js';
