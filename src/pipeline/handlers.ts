import { markInboundEventFailed, markOutboxFailed } from '../db/index.js';
import { PermanentError, isAppError } from '../errors.js';
import { retryDelayMs, type JobEvents, type JobHandler, type JobName, type RetryPolicy, type RetrySchedule } from '../queue/index.js';
import type { PipelineDeps } from './deps.js';
import { routeJob, slaTimerJob, writebackJob } from './jobs.js';
import { fireSlaTimer } from './sla-timers.js';
import { createGroupCommit } from './group-commit.js';
import { routeBatch } from './route-batch.js';
import { RetryableWriteError, writeBackBatch } from './write-back.js';

/** Batch sizes: HubSpot takes 100 records per batch call, Salesforce 200; a routing batch is one transaction. */
export interface BatchLimits {
  routeBatch: number;
  writeBatch: number;
  /** Write batches in flight at once per process (CRM calls overlap). */
  concurrentBatches: number;
  /** How long a short write batch waits to fill before the CRM call (fewer API calls, more latency). */
  writeLingerMs: number;
  /** How long a short routing batch waits to fill (fewer transactions, more latency). */
  routeLingerMs: number;
}

/** The job handlers, and drain(): resolves when the owner writes handed over without a job are done. */
export function jobHandlers(deps: PipelineDeps, limits: BatchLimits, retry: RetryPolicy): { handlers: Record<JobName, JobHandler>; drain(): Promise<void> } {
  const writer = createGroupCommit((ids) => writeBackBatch(deps, ids), { maxBatch: limits.writeBatch, maxConcurrent: limits.concurrentBatches, lingerMs: limits.writeLingerMs });
  // The happy path writes owners from the worker that routed them, with no queue hop (no job
  // to add, fetch and finish per lead). A failed first try becomes a write-back job, which
  // carries the retries; a worker that dies first leaves the row pending for the sweeper.
  const inFlight = new Set<Promise<unknown>>();
  const deliver = (outboxIds: string[]) => {
    for (const outboxId of outboxIds) {
      const p = writer.submit(outboxId).catch((err: unknown) =>
        deps.queue.enqueue('writeback', { v: 1, outboxId }, { jobId: outboxId, delayMs: retry.isPermanent(err) ? 0 : retry.delayMs(1, err) }).catch((e: Error) => {
          deps.logger.warn({ outboxId, err: e.message }, 'write-back job not enqueued; the sweeper will pick the outbox row up');
        }),
      );
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }
  };
  // One routing batch at a time per process: routing transactions queue on the same locks
  // anyway, and a second one only splits what would have been one bigger batch.
  const router = createGroupCommit((ids) => routeBatch(deps, ids, deliver), { maxBatch: limits.routeBatch, maxConcurrent: 1, lingerMs: limits.routeLingerMs });

  return {
    handlers: {
      route: async (payload) => {
        const sla = slaTimerJob.safeParse(payload);
        if (sla.success) await fireSlaTimer(deps, sla.data.slaTimerId);
        else await router.submit(routeJob.parse(payload).eventId);
      },
      writeback: (payload) => writer.submit(writebackJob.parse(payload).outboxId),
    },
    drain: async () => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

export function retryPolicy(attempts: number, schedule: RetrySchedule, random: () => number = Math.random): RetryPolicy {
  return {
    attempts,
    delayMs: (attempt, error) => retryDelayMs(attempt, error instanceof RetryableWriteError ? error.retryAfterMs : undefined, schedule, random()),
    // A payload that does not parse will not parse next time either.
    isPermanent: (error) => error instanceof PermanentError || (error as Error)?.name === 'ZodError' || (isAppError(error) && error.code === 'CONNECTOR_NOT_CONFIGURED'),
  };
}

/** Job outcomes into metrics; the last failure into Postgres, where an operator can see and replay it. */
export function jobEvents(deps: PipelineDeps): JobEvents {
  return {
    onOutcome(name, outcome, durationMs) {
      deps.metrics.jobs.inc({ queue: name, outcome });
      deps.metrics.jobDuration.observe({ queue: name }, durationMs / 1000);
    },
    async onFinalFailure(name, payload, error) {
      const message = error instanceof Error ? `${isAppError(error) ? `${error.code}: ` : ''}${error.message}` : String(error);
      deps.logger.error({ queue: name, payload, err: message }, 'job failed for good');
      if (name === 'route') {
        const p = routeJob.safeParse(payload);
        if (p.success) await markInboundEventFailed(deps.db, p.data.eventId, message, deps.now());
      } else {
        const p = writebackJob.safeParse(payload);
        if (p.success) await markOutboxFailed(deps.db, p.data.outboxId, message, deps.now());
      }
    },
  };
}
