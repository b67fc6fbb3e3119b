export { aLead, type LeadOverrides } from './lead.js';
export { aConfig, aPool, aQueue, aRep, aRule, anAccount, type BuiltPool, type ConfigOverrides } from './routing.js';
export { at, days, weekdaysHours } from './time.js';
export { applyStateChange, noHistory, tally } from './state.js';
export { owners, simulate } from './simulate.js';
export { aCrmAccount, aPerson, anIndexOf } from './accounts.js';
export { apiLeadMappings } from './documents.js';
