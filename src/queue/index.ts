export { jobNames } from './types.js';
export type { JobName, JobHandler, JobQueue, RetryPolicy, JobEvents, QueueDepth } from './types.js';
export { retryDelayMs, type RetrySchedule } from './retry-delay.js';
export { createBullQueue, type BullQueueOptions } from './bullmq-queue.js';
export { createInProcessQueue } from './in-process-queue.js';
