import { markInboundEventFailed, markOutboxFailed } from '../db/index.js';
import { PermanentError, isAppError } from '../errors.js';
import { retryDelayMs, type JobEvents, type JobHandler, type JobName, type RetryPolicy, type RetrySchedule } from '../queue/index.js';
import type { PipelineDeps } from './deps.js';
import { routeJob, writebackJob } from './jobs.js';
import { routeEvent } from './route-event.js';
import { RetryableWriteError, writeBack } from './write-back.js';

export function jobHandlers(deps: PipelineDeps): Record<JobName, JobHandler> {
  return {
    route: (payload) => routeEvent(deps, payload),
    writeback: (payload) => writeBack(deps, payload),
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
