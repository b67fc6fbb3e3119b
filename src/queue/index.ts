export { jobNames } from './types.js';
export type { JobName, JobHandler, JobQueue, RetryPolicy, JobEvents, QueueDepth } from './types.js';
export { retryDelayMs, type RetrySchedule } from './retry-delay.js';
// BullMQ's queue is imported from './bullmq-queue.js' by the runtime when REDIS_URL is set, not
// from here: the embedded default (in-process jobs) never loads bullmq and ioredis.
export { createInProcessQueue } from './in-process-queue.js';
