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
}

export function jobHandlers(deps: PipelineDeps, limits: BatchLimits): Record<JobName, JobHandler> {
  // One routing batch at a time per process: routing transactions queue on the same locks
  // anyway, and a second one only splits what would have been one bigger batch.
  const router = createGroupCommit((ids) => routeBatch(deps, ids), { maxBatch: limits.routeBatch, maxConcurrent: 1 });
  const writer = createGroupCommit((ids) => writeBackBatch(deps, ids), { maxBatch: limits.writeBatch, maxConcurrent: limits.concurrentBatches, lingerMs: limits.writeLingerMs });
  return {
    route: async (payload) => {
      const sla = slaTimerJob.safeParse(payload);
      if (sla.success) await fireSlaTimer(deps, sla.data.slaTimerId);
      else await router.submit(routeJob.parse(payload).eventId);
    },
    writeback: (payload) => writer.submit(writebackJob.parse(payload).outboxId),
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
