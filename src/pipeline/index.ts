export type { PipelineDeps } from './deps.js';
export { createMetrics, type Metrics, type BacklogAge } from './metrics.js';
export { createConfigStore, type ConfigStore, type ActiveConfig } from './config-store.js';
export { flushRouteNudges, ingestApiLead, ingestCrmEvents, type ApiLeadInput, type IntakeContext } from './ingest.js';
export { routeBatch } from './route-batch.js';
export { writeBackBatch, RetryableWriteError } from './write-back.js';
export { createBatcher, createGroupCommit, type GroupCommit, type BatchOutcome } from './group-commit.js';
export { sweepOnce, startSweeper } from './sweeper.js';
export { jobHandlers, jobEvents, retryPolicy, type BatchLimits } from './handlers.js';
export { workerBatchLimits } from './batch-wait.js';
export { startConnectorStreams } from './connector-streams.js';
export { runWhileLeader, type Leadership } from './leadership.js';
export * as configAdmin from './config-admin.js';
export {
  resolveLeadRef,
  pendingLeadView,
  explainPendingView,
  type ResolvedLead,
  type PendingLeadView,
} from './lead-resolve.js';
export {
  listLeadsPage,
  decodeLeadCursor,
  encodeLeadCursor,
  type LeadListPage,
  type LeadListItem,
  type LeadListFilter,
} from './lead-list.js';
export {
  getLeadView,
  getLeadDecision,
  getLatestDecision,
  explainDecisionView,
  type LeadView,
  type DecisionView,
  type LeadOwner,
} from './lead-views.js';
export {
  previewRoutes,
  previewMappingKey,
  type PreviewInput,
  type PreviewOutput,
  type PreviewResult,
  type DecisionSummary,
} from './route-preview.js';
export { syncOwnershipBatch } from './sync-ownership.js';
export {
  scheduleSlaTimers,
  fireSlaTimer,
  fireDueSlaTimers,
  claimFromFieldChanges,
  claimLead,
  slaTimerJobId,
  type ClaimResult,
  type SlaFireResult,
} from './sla-timers.js';
export {
  listConflictsView,
  getLeadHistory,
  type ConflictView,
  type ConflictPage,
  type LeadHistory,
  type HistoryEntry,
} from './sync-views.js';
export { createCircuit, createCircuits, type Circuit, type Circuits, type CircuitState } from './circuit.js';
export { nextAttempt, failureOf, type RetrySchedule as RowRetrySchedule, type Failure } from './retry-schedule.js';
export { listFailures, replayFailures, type FailureView, type FailurePage, type ReplayResult } from './failures.js';
export { getAvailability, setAvailability, type AvailabilityInput, type AvailabilityView } from './rep-availability.js';
export {
  speedToLeadReport,
  distributionReport,
  unassignedReport,
  waitingReport,
  slaReport,
  conflictsReport,
  shadowReport,
  type SpeedToLeadView,
} from './report-views.js';
export {
  planReroute,
  startReroute,
  runReroute,
  rerouteChunkSize,
  type ReroutePlan,
  type RerouteRequest,
} from './bulk-reroute.js';
export { runImport, importBatchSize, type ImportRequest, type RefusedRow, type ImportProgress } from './bulk-import.js';
export { listBulkJobsView, getBulkJobView, cancelBulkJob, bulkJobView, type BulkJobView } from './bulk-jobs.js';
export {
  syncAccounts,
  accountSourceOf,
  type MirrorDeps,
  type SyncOptions,
  type SyncProgress,
  type ObjectSyncResult,
} from './account-sync.js';
export { recordAccountChangesOf, drainAccountChanges, catchUpAccountChanges } from './account-changes.js';
export { createMirrorFollower, followMirror, loadAccountIndex } from './account-follow.js';
export { startFollowingMirror, startMirrorUpkeep, type MirrorLoopOptions } from './account-mirror-loops.js';
export { startCrmUserSync, syncCrmUsers, type CrmUserSyncResult } from './crm-user-sync.js';
export { startAccountSync, accountSyncStatus, type SyncStart, type AccountSyncStatus } from './account-sync-runs.js';
export {
  proposeReps,
  importReps,
  ownerListsOf,
  previewRepsImport,
  type ProposedRep,
  type RepsImport,
} from './reps-import.js';
export { getLeadSpeed, type SpeedStep, type SpeedStepName } from './lead-speed.js';
export {
  retentionOnce,
  startRetention,
  eraseEmail,
  listErasureAudit,
  type ErasureResult,
  type RetentionPolicy,
} from './retention.js';
export { backfillLeadReports, backfillBatchSize, type ReportBackfillResult } from './report-backfill.js';
