import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis as IORedis } from 'ioredis';
import {
  jobNames as names,
  type JobEvents,
  type JobHandler,
  type JobQueue,
  type QueueDepth,
  type RetryPolicy,
} from './types.js';

export interface BullQueueOptions {
  redisUrl: string;
  prefix: string;
  retry: RetryPolicy;
  /** How long a worker holds a job before others may consider it stalled (a killed worker). */
  lockDurationMs: number;
}

export function createBullQueue(opts: BullQueueOptions): JobQueue {
  // Producer connection fails fast when Redis is down: the event is already in Postgres and the
  // sweeper re-enqueues it, so the webhook ack must not hang on Redis.
  // Auto-pipelining: the nudges of one intake batch (one INSERT, many events) are issued in the
  // same tick, and go to Redis as one write instead of one per job: fewer syscalls on both ends.
  const producer = new IORedis(opts.redisUrl, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    lazyConnect: false,
    enableAutoPipelining: true,
  });
  producer.on('error', () => {});
  // Without the offline queue a command sent before the first connect fails at once, so the
  // first enqueues wait for the connection (bounded: a dead Redis must not hold the ack).
  const connected = new Promise<void>((resolve) => {
    if (producer.status === 'ready') resolve();
    else producer.once('ready', () => resolve());
  });
  const whenConnected = () =>
    producer.status === 'ready'
      ? undefined
      : Promise.race([connected, new Promise<void>((r) => setTimeout(r, 2000).unref())]);
  const queues = new Map(names.map((n) => [n, new Queue(n, { connection: producer, prefix: opts.prefix })]));
  const workers: Worker[] = [];
  const workerConnections: IORedis[] = [];

  return {
    kind: 'bullmq',
    async enqueue(name, payload, { jobId, delayMs }) {
      await whenConnected();
      await queues.get(name)!.add(name, payload, {
        jobId,
        delay: delayMs,
        attempts: opts.retry.attempts,
        backoff: { type: 'lead-router' },
        // Removed when finished so a later enqueue with the same jobId (sweeper) is not swallowed.
        removeOnComplete: true,
        removeOnFail: true,
      });
    },
    startWorkers(handlers, { concurrency, onOutcome, onFinalFailure }: { concurrency: number } & JobEvents) {
      for (const name of names) {
        const connection = new IORedis(opts.redisUrl, { maxRetriesPerRequest: null });
        connection.on('error', () => {});
        workerConnections.push(connection);
        const processor = async (job: Job) => {
          const started = performance.now();
          const attempt = job.attemptsMade + 1;
          try {
            await handlers[name](job.data, { attempt, jobId: job.id! });
            onOutcome?.(name, 'completed', performance.now() - started);
          } catch (err) {
            const final = opts.retry.isPermanent(err) || attempt >= opts.retry.attempts;
            onOutcome?.(name, final ? 'failed' : 'retry', performance.now() - started);
            if (final) {
              await onFinalFailure?.(name, job.data, err);
              throw new UnrecoverableError(err instanceof Error ? err.message : String(err));
            }
            throw err;
          }
        };
        const worker = new Worker(name, processor, {
          connection,
          prefix: opts.prefix,
          concurrency,
          lockDuration: opts.lockDurationMs,
          stalledInterval: Math.max(1000, Math.floor(opts.lockDurationMs / 2)),
          settings: {
            backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) =>
              opts.retry.delayMs(attemptsMade, err),
          },
        });
        worker.on('error', () => {});
        workers.push(worker);
      }
    },
    async ping() {
      await whenConnected();
      await producer.ping();
    },
    async depth() {
      await whenConnected();
      const out: QueueDepth[] = [];
      for (const [queue, q] of queues) {
        // 'prioritized' is waiting too (BullMQ keeps jobs with a priority in their own list).
        const c = await q.getJobCounts('wait', 'prioritized', 'active', 'delayed');
        out.push(
          { queue, state: 'waiting', count: (c.wait ?? 0) + (c.prioritized ?? 0) },
          { queue, state: 'active', count: c.active ?? 0 },
          { queue, state: 'delayed', count: c.delayed ?? 0 },
        );
      }
      return out;
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all([...queues.values()].map((q) => q.close()));
      producer.disconnect();
      for (const c of workerConnections) c.disconnect();
    },
  };
}

export type { JobHandler };
