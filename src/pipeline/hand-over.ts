// After a commit, the work it stored is handed on: to a queue, or to this worker's own writer.
// That is only the fast path. Postgres holds the row, so a hand-over that fails loses nothing:
// it is logged at warn and the sweeper picks the row up (a route event or an outbox row after
// SWEEP_AFTER_MS, an SLA timer when due). None of these ever rejects: the commit stands.
import type { DueNotification } from '../db/index.js';
import type { JobName } from '../queue/index.js';
import type { NotifyJob } from './jobs.js';
import type { PipelineDeps } from './deps.js';

type HandOverDeps = Pick<PipelineDeps, 'queue' | 'logger'>;

/** Who picks a row up when its job is lost, per queue. */
const pickedUpBy: Record<JobName, string> = {
  route: 'the sweeper will pick the stored event up',
  writeback: 'the sweeper will pick the outbox row up',
  sla: 'the sweeper fires the timer when due',
  notify: 'the sweeper will pick the notification up when due',
};

/** Logs that the fast path failed for a row and who takes it over. `ids` name the row ({ outboxId }). */
export function leftToSweeper(
  deps: Pick<PipelineDeps, 'logger'>,
  name: JobName,
  ids: Record<string, string>,
  err: Error,
  what: string,
): void {
  deps.logger.warn({ ...ids, err: err.message }, `${what}; ${pickedUpBy[name]}`);
}

/** Enqueues one job; when the queue refuses it (Redis away), warns and leaves the row to the sweeper. */
export async function nudge(
  deps: HandOverDeps,
  name: JobName,
  payload: unknown,
  opts: { jobId: string; delayMs?: number },
  ids: Record<string, string>,
  what = `${name} job`,
): Promise<void> {
  try {
    await deps.queue.enqueue(name, payload, opts);
  } catch (err) {
    leftToSweeper(deps, name, ids, err instanceof Error ? err : new Error(String(err)), `${what} not enqueued`);
  }
}

/** Takes new outbox rows straight into this worker's writer (no queue hop); `jobHandlers` makes one. */
export type DeliverWrites = (outboxIds: string[]) => void;

/**
 * The one hand-over of new outbox rows, after their transaction committed: to `via` (this
 * worker's writer) when given, else one write-back job per row (first try: job id = row id), enqueued together.
 */
export async function handOverWrites(
  deps: HandOverDeps,
  outboxIds: readonly string[],
  opts: { via?: DeliverWrites | undefined; what?: string } = {},
): Promise<void> {
  if (opts.via) return opts.via([...outboxIds]);
  // All at once: Redis pipelines them on one connection (a reroute chunk hands over 500; one
  // round trip each, in turn, cost more than the chunk's transaction). nudge never rejects.
  await Promise.all(
    outboxIds.map((id) =>
      nudge(
        deps,
        'writeback',
        { v: 1, outboxId: id },
        { jobId: id },
        { outboxId: id },
        `${opts.what ?? 'write-back'} job`,
      ),
    ),
  );
}

/** After commit: one job per new notification, delayed until it is due. If Redis is away the sweeper sends it when due. */
export async function handOverNotifications(
  deps: HandOverDeps & Pick<PipelineDeps, 'now'>,
  rows: readonly DueNotification[],
): Promise<void> {
  for (const r of rows) {
    const delayMs = r.dueAt ? Math.max(0, r.dueAt.getTime() - deps.now().getTime()) : 0;
    await nudge(
      deps,
      'notify',
      { v: 1, notificationId: r.id } satisfies NotifyJob,
      { jobId: r.id, delayMs },
      { notificationId: r.id },
      'notification job',
    );
  }
}
