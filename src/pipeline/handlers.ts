import { isAppError } from '../errors.js';
import {
  retryDelayMs,
  type JobEvents,
  type JobHandler,
  type JobName,
  type RetryPolicy,
  type RetrySchedule,
} from '../queue/index.js';
import type { PipelineDeps } from './deps.js';
import { settleFailures } from './durability.js';
import { notifyJob, routeJob, routeJobEventIds, slaTimerJob, writebackJob } from './jobs.js';
import { deliverNotification } from './notify.js';
import { leftToSweeper, type DeliverWrites } from './hand-over.js';
import { fireSlaTimer } from './sla-timers.js';
import { batchingPolicy, createArrivalRate, type BatchLimits } from './batch-wait.js';
import { createGroupCommit, type BatchOutcome } from './group-commit.js';
import { failureOf } from './retry-schedule.js';
import { leadStage, stageWait } from './lead-stages.js';
import { routeBatch } from './route-batch.js';
import { routeReadSize } from './route-read-size.js';
import { RetryableWriteError, writeBackBatch } from './write-back.js';

export type { BatchLimits };

/** The job handlers, and drain(): resolves when the owner writes handed over without a job are done. */
export function jobHandlers(
  deps: PipelineDeps,
  limits: BatchLimits,
): { handlers: Record<JobName, JobHandler>; drain(): Promise<void> } {
  // Both batchers wait only as long as the CRMs' remaining allowance asks (batch-wait.ts): the
  // writer for its owner writes, the router for its record reads (HubSpot creation webhooks carry
  // no properties, so each routing batch reads its records first). The writer's short batches go
  // beside each other while the CRM's next call goes now; at the ceiling one waits for the next
  // token and the rest fill behind it (budgetedWrites: bench:bulk's reroute 0.76 -> 0.98 of the
  // ceiling in bench:owner-latency-policy, 12.5 -> 10.2 calls per 1,000 owners).
  const budgets = () => Object.values(deps.connectors).flatMap((c) => (c?.callBudget ? [c.callBudget()] : []));
  const routeArrivals = createArrivalRate(() => deps.now().getTime());
  const policy = batchingPolicy(limits, budgets, () => routeArrivals.perS());
  const writer = createGroupCommit(
    async (ids) => {
      const start = performance.now();
      const outcome = await writeBackBatch(deps, ids);
      leadStage(deps.metrics, 'write', ids.length, performance.now() - start);
      return outcome;
    },
    { ...policy.writer, onDispatch: stageWait(deps.metrics, 'write_wait') },
  );
  // The happy path writes owners from the worker that routed them, with no queue hop (no job
  // to add, fetch and finish per lead). A failed try schedules the row's next one in Postgres
  // (write-back.ts); a worker that dies first, or a database error, leaves the row pending for
  // the sweeper.
  const inFlight = new Set<Promise<unknown>>();
  const deliver: DeliverWrites = (outboxIds) => {
    for (const outboxId of outboxIds) {
      const p = writer
        .submit(outboxId)
        .catch((err: Error) => leftToSweeper(deps, 'writeback', { outboxId }, err, 'owner write not settled'));
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }
  };
  // Full routing batches overlap (concurrentRouteBatches); short ones too while the CRMs could
  // give each lead its own read and write at this arrival rate for ever (shortReadSlots), else one
  // at a time; when the CRM budget is tight the batch waits for its slot and takes everything
  // that arrived meanwhile. Overlapping batches still take their locks in arrival order
  // (arrival-order.ts), so the later leads never commit first.
  // An event that failed gets its next try scheduled on its row; the job succeeds.
  const router = createGroupCommit(async (ids) => settleRouting(deps, await routeBatch(deps, ids, deliver)), {
    ...policy.router,
    // A backlog: read a transaction's worth per partition (route-read-size.ts); not in the sim.
    takeMax: () => routeReadSize(deps, limits.routeBatch),
    onDispatch: stageWait(deps.metrics, 'route_wait'),
  });

  return {
    handlers: {
      // A job carries one event or an intake statement's new events; each goes to the router's
      // group commit on its own, and the job is done when all of them are.
      route: async (payload) => {
        const ids = routeJobEventIds(routeJob.parse(payload));
        for (let i = 0; i < ids.length; i++) routeArrivals.arrived();
        await Promise.all(ids.map((id) => router.submit(id)));
      },
      writeback: (payload) => writer.submit(writebackJob.parse(payload).outboxId),
      sla: async (payload) => {
        await fireSlaTimer(deps, slaTimerJob.parse(payload).slaTimerId);
      },
      // A failed send is scheduled on its row (not a job retry): the job succeeds either way.
      notify: async (payload) => {
        await deliverNotification(deps, notifyJob.parse(payload).notificationId);
      },
    },
    drain: async () => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

async function settleRouting(deps: PipelineDeps, outcome: BatchOutcome): Promise<BatchOutcome> {
  const failed = [...outcome].flatMap(([id, err]) => (err ? [{ id, failure: failureOf(err) }] : []));
  await settleFailures(deps, 'route', failed);
  return new Map([...outcome.keys()].map((id) => [id, undefined]));
}

/** Retries of a job whose handler threw as a whole (a database error): BullMQ's, bounded by JOB_ATTEMPTS; then the row's schedule takes over. */
export function retryPolicy(
  attempts: number,
  schedule: RetrySchedule,
  random: () => number = Math.random,
): RetryPolicy {
  return {
    attempts,
    delayMs: (attempt, error) =>
      retryDelayMs(attempt, error instanceof RetryableWriteError ? error.retryAfterMs : undefined, schedule, random()),
    // The same verdict the row's schedule gets (src/errors.ts): a PermanentError, a payload that
    // does not parse, a connector this process lacks.
    isPermanent: (error) => !failureOf(error).retryable,
  };
}

/**
 * Job outcomes into metrics. A job that failed JOB_ATTEMPTS times (or for good) is not the end of
 * its row: the failure is recorded as a try, and the row's schedule (or dead letter) takes over.
 */
export function jobEvents(deps: PipelineDeps): JobEvents {
  return {
    onOutcome(name, outcome, durationMs) {
      deps.metrics.jobs.inc({ queue: name, outcome });
      deps.metrics.jobDuration.observe({ queue: name }, durationMs / 1000);
    },
    async onFinalFailure(name, payload, error) {
      const message =
        error instanceof Error ? `${isAppError(error) ? `${error.code}: ` : ''}${error.message}` : String(error);
      deps.logger.warn({ queue: name, payload, err: message }, 'job gave up; its row keeps its own schedule');
      const failure = failureOf(error);
      if (name === 'route') {
        const p = routeJob.safeParse(payload);
        if (p.success)
          await settleFailures(
            deps,
            'route',
            routeJobEventIds(p.data).map((id) => ({ id, failure })),
          );
      } else if (name === 'writeback') {
        const p = writebackJob.safeParse(payload);
        if (p.success) await settleFailures(deps, 'writeback', [{ id: p.data.outboxId, failure }]);
      } else if (name === 'notify') {
        const p = notifyJob.safeParse(payload);
        if (p.success) await settleFailures(deps, 'notify', [{ id: p.data.notificationId, failure }]);
      }
      // sla: the timer row stays pending, and the sweeper fires it when due (fireDueSlaTimers).
    },
  };
}
