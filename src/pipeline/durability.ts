// What a failed try leaves behind (docs/failures.md): a retryable failure schedules the row's
// next try in Postgres (next_attempt_at) and nudges the queue with a delayed job for it; a
// permanent one, or one past the row's horizon, makes it a dead letter with its code. The queue
// only carries nudges: the sweeper enqueues whatever is due, so losing Redis loses no schedule.
import {
  getRetryStates,
  insertNotifications,
  recordFailures,
  type DueNotification,
  type FailureRecord,
  type RetryKind,
} from '../db/index.js';
import { planDeadLetter } from '../notify/index.js';
import type { JobQueue } from '../queue/index.js';
import { createCircuits } from './circuit.js';
import type { Durability, PipelineDeps } from './deps.js';
import { leadIdFields } from './lead-log.js';
import { nextAttempt, type Failure, type RetrySchedule } from './retry-schedule.js';
import { toNotificationInsert } from '../sync/notification-rows.js';
import { handOverNotifications } from './hand-over.js';

export type { Durability };

export const defaultSchedule: RetrySchedule = { baseMs: 500, maxMs: 60_000, horizonMs: 259_200_000, jitter: 0.2 };

const fallback = new WeakMap<PipelineDeps, Durability>();

/** The deps' retry schedule and circuits; defaults for deps built without them. */
export function durabilityOf(deps: PipelineDeps): Durability {
  if (deps.durability) return deps.durability;
  let d = fallback.get(deps);
  if (!d)
    fallback.set(
      deps,
      (d = {
        schedule: defaultSchedule,
        circuits: createCircuits({ failures: 5, openMs: 30_000 }, () => deps.now().getTime()),
        random: Math.random,
        leaseMs: 30_000,
      }),
    );
  return d;
}

/**
 * The job id of a row's next try. Distinct per try (a job still finishing keeps its own id, and
 * BullMQ would drop an add under it), the same for the nudge and the sweeper (they deduplicate).
 */
export const retryJobId = (id: string, attempts: number, round?: number) =>
  `${id}-r${attempts}${round === undefined ? '' : `-s${round}`}`;

/** `round` names a sweep of a row overdue past the grace period: a job id lost in Redis (orphaned by a partial loss) cannot block it forever. */
export function enqueueTry(
  queue: JobQueue,
  kind: RetryKind,
  id: string,
  attempts: number,
  delayMs = 0,
  round?: number,
): Promise<void> {
  const payload =
    kind === 'route'
      ? { v: 1, eventId: id }
      : kind === 'notify'
        ? { v: 1, notificationId: id }
        : { v: 1, outboxId: id };
  return queue.enqueue(kind, payload, { jobId: retryJobId(id, attempts, round), delayMs: Math.max(0, delayMs) });
}

/** Records one failed try per row (rows written or dead meanwhile are left alone). */
export async function settleFailures(
  deps: PipelineDeps,
  kind: RetryKind,
  failed: Array<{ id: string; failure: Failure }>,
): Promise<void> {
  if (failed.length === 0) return;
  const d = durabilityOf(deps);
  const now = deps.now();
  const states = new Map(
    (
      await getRetryStates(
        deps.db,
        kind,
        failed.map((f) => f.id),
      )
    ).map((s) => [s.id, s]),
  );
  const records: FailureRecord[] = [];
  for (const { id, failure } of failed) {
    const st = states.get(id);
    if (!st) continue;
    const base = { id, code: failure.code, error: `${failure.code}: ${failure.message}` };
    if (!failure.retryable) {
      records.push(base);
      continue;
    }
    const next = nextAttempt(
      { now, firstFailedAt: st.firstFailedAt ?? now, failures: st.attempts + 1, retryAfterMs: failure.retryAfterMs },
      d.schedule,
      d.random(),
    );
    records.push(next.kind === 'retry' ? { ...base, nextAttemptAt: next.at } : base);
  }
  // A notification about each new dead letter commits with it (none about a notification's own: no loops).
  const doc = kind === 'notify' ? undefined : (await deps.configs.get()).doc;
  const told: DueNotification[] = [];
  const changed = await deps.db.transaction(async (tx) => {
    const out = await recordFailures(tx, kind, records, now);
    const dead = out.filter((c) => c.dead);
    if (doc?.notifications && dead.length > 0) {
      const byId = new Map(records.map((r) => [r.id, r]));
      const rows = dead.flatMap((c) =>
        planDeadLetter(
          doc,
          { kind, id: c.id, code: byId.get(c.id)!.code, error: byId.get(c.id)!.error, crm: states.get(c.id)!.crm },
          now,
        ).map((p) => ({
          ...toNotificationInsert(p),
          leadId: states.get(c.id)!.leadId,
          assignmentId: null,
          slaTimerId: null,
        })),
      );
      told.push(...(await insertNotifications(tx, rows)));
    }
    return out;
  });
  if (told.length > 0) await handOverNotifications(deps, told);
  const byId = new Map(records.map((r) => [r.id, r]));
  const nudges: Promise<void>[] = [];
  for (const c of changed) {
    const r = byId.get(c.id)!;
    const crm = states.get(c.id)!.crm;
    if (c.dead) {
      deps.metrics.deadLetters.inc({ kind, crm, code: r.code });
      const st = states.get(c.id)!;
      deps.logger.error(
        {
          kind,
          id: c.id,
          ...leadIdFields(st),
          ...(kind === 'writeback' && { outboxId: c.id }),
          ...(kind === 'notify' && { notificationId: c.id }),
          code: r.code,
          err: r.error,
          attempts: c.attempts,
        },
        'dead letter: given up until an operator replays it (docs/failures.md)',
      );
      continue;
    }
    deps.metrics.retriesScheduled.inc({ kind, crm, code: r.code });
    // The nudge is only the fast path: if it is lost, the sweeper enqueues the row when due.
    nudges.push(
      enqueueTry(deps.queue, kind, c.id, c.attempts, r.nextAttemptAt!.getTime() - now.getTime()).catch(() => {}),
    );
  }
  await Promise.all(nudges);
}
