export type { PipelineDeps } from './deps.js';
export { createMetrics, type Metrics } from './metrics.js';
export { createConfigStore, type ConfigStore, type ActiveConfig } from './config-store.js';
export { ingestApiLead, ingestCrmEvents, type ApiLeadInput } from './ingest.js';
export { routeBatch } from './route-batch.js';
export { writeBackBatch, RetryableWriteError } from './write-back.js';
export { createGroupCommit, type GroupCommit, type BatchOutcome } from './group-commit.js';
export { sweepOnce, startSweeper } from './sweeper.js';
export { jobHandlers, jobEvents, retryPolicy, type BatchLimits } from './handlers.js';
