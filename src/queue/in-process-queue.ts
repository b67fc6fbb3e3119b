// The embedded binding: same handlers and same retry semantics as BullMQ (attempts, backoff,
// permanent errors, jobId dedupe), held in memory. Postgres still holds every event, so a
// restart loses nothing: the sweeper re-enqueues what was pending.
import {
  jobNames,
  type JobEvents,
  type JobHandler,
  type JobName,
  type JobQueue,
  type QueueDepth,
  type RetryPolicy,
} from './types.js';

interface Pending {
  name: JobName;
  jobId: string;
  payload: unknown;
  attempt: number;
}

export function createInProcessQueue(opts: { retry: RetryPolicy }): JobQueue {
  const known = new Set<string>();
  const waiting: Pending[] = [];
  /** Delayed jobs by their timer (the name, for the depth gauge). */
  const timers = new Map<NodeJS.Timeout, JobName>();
  const active: Record<JobName, number> = { route: 0, writeback: 0, sla: 0, notify: 0 };
  let handlers: Record<JobName, JobHandler> | undefined;
  let events: JobEvents = {};
  let concurrency = 1;
  let running = 0;
  let closed = false;
  let idle: (() => void) | undefined;

  const key = (name: JobName, jobId: string) => `${name}:${jobId}`;

  function pump(): void {
    while (!closed && handlers && running < concurrency && waiting.length > 0) {
      const job = waiting.shift()!;
      running++;
      active[job.name]++;
      void run(job).finally(() => {
        running--;
        active[job.name]--;
        if (running === 0) idle?.();
        pump();
      });
    }
  }

  async function run(job: Pending): Promise<void> {
    const started = performance.now();
    try {
      await handlers![job.name](job.payload, { attempt: job.attempt, jobId: job.jobId });
      known.delete(key(job.name, job.jobId));
      events.onOutcome?.(job.name, 'completed', performance.now() - started);
    } catch (err) {
      const final = opts.retry.isPermanent(err) || job.attempt >= opts.retry.attempts;
      events.onOutcome?.(job.name, final ? 'failed' : 'retry', performance.now() - started);
      if (final) {
        known.delete(key(job.name, job.jobId));
        await events.onFinalFailure?.(job.name, job.payload, err).catch(() => {});
        return;
      }
      later({ ...job, attempt: job.attempt + 1 }, opts.retry.delayMs(job.attempt, err));
    }
  }

  function later(job: Pending, delayMs: number): void {
    if (delayMs <= 0) {
      waiting.push(job);
      pump();
      return;
    }
    const t = setTimeout(() => {
      timers.delete(t);
      waiting.push(job);
      pump();
    }, delayMs);
    timers.set(t, job.name);
  }

  return {
    kind: 'in-process',
    async enqueue(name, payload, { jobId, delayMs }) {
      if (closed || known.has(key(name, jobId))) return;
      known.add(key(name, jobId));
      later({ name, jobId, payload, attempt: 1 }, delayMs ?? 0);
    },
    startWorkers(h, o) {
      handlers = h;
      events = o;
      concurrency = o.concurrency;
      pump();
    },
    async ping() {},
    async depth() {
      const delayed = [...timers.values()];
      return jobNames.flatMap((queue): QueueDepth[] => [
        { queue, state: 'waiting', count: waiting.filter((j) => j.name === queue).length },
        { queue, state: 'active', count: active[queue] },
        { queue, state: 'delayed', count: delayed.filter((n) => n === queue).length },
      ]);
    },
    async close() {
      closed = true;
      for (const t of timers.keys()) clearTimeout(t);
      timers.clear();
      if (running > 0) await new Promise<void>((resolve) => (idle = resolve));
    },
  };
}
