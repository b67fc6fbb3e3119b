export { openPostgres, openPglite, type Db, type Tx, type DbOrTx, type DbHandle } from './client.js';
export * from './inbound-events.js';
export * from './leads.js';
export * from './assignments.js';
export * from './outbox.js';
export * from './routing-state.js';
export { schema } from './schema.js';
export * from './config-versions.js';
export * from './stats.js';
