export type { PipelineDeps } from './deps.js';
export { createMetrics, type Metrics } from './metrics.js';
export { createConfigStore, type ConfigStore, type ActiveConfig } from './config-store.js';
export { ingestApiLead, ingestCrmEvents, type ApiLeadInput } from './ingest.js';
export { routeEvent } from './route-event.js';
export { writeBack, RetryableWriteError } from './write-back.js';
export { sweepOnce, startSweeper } from './sweeper.js';
export { jobHandlers, jobEvents, retryPolicy } from './handlers.js';
