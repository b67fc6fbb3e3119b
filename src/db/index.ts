export { openPostgres, openPglite, type Db, type Tx, type DbOrTx, type DbHandle, type Lease } from './client.js';
export * from './inbound-events.js';
export * from './leads.js';
export * from './assignments.js';
export * from './outbox.js';
export * from './routing-state.js';
export * from './routing-writes.js';
export { schema } from './schema.js';
export * from './config-versions.js';
export * from './stats.js';
export * from './connector-state.js';
export * from './config-drafts.js';
export * from './lead-queries.js';
export * from './ownership.js';
export * from './sla-timers.js';
export * from './notifications.js';
export { isDatabaseUnavailable } from './connection-errors.js';
export { storedError } from './stored-error.js';
export * from './retries.js';
export * from './dead-letters.js';
export * from './lead-lookup.js';
export * from './lead-list.js';
export {
  acquireDataDirLock,
  readDataDirLock,
  DataDirInUseError,
  lockFileName,
  type DataDirLock,
  type LockInfo,
} from './data-dir-lock.js';
export * from './rep-availability.js';
export * from './report-speed.js';
export * from './report-reads.js';
export type { ConfirmedStep } from './report-rollup.js';
export { allPoolsKeyOf } from './report-rollup.js';
export * from './shadow.js';
export * from './bulk-jobs.js';
export * from './account-mirror.js';
export * from './account-team.js';
export * from './people-mirror.js';
export * from './sync-cursors.js';
export * from './retention.js';
export * from './history-seed.js';
export * from './report-backfill.js';
export * from './mirror-look.js';
