// Postgres is the record, the queue only the transport. Each sweep enqueues:
// - rows whose next try is due (next_attempt_at <= now: a backoff, a CRM's Retry-After, an open
//   circuit's half-open time, a replay), so the retry schedule survives a Redis flush or a restart;
// - anything stored but never handled past a grace period (lost job, Redis flushed, worker killed).
// Enqueueing is deduplicated by jobId and every handler is idempotent, so sweeping twice is harmless.
// Leads a full pool holds (status queued) are offered again each sweep, highest score first.
import { listDueRows, listStaleInboundEvents, listStaleNotifications, listStaleOutbox } from '../db/index.js';
import type { PipelineDeps } from './deps.js';
import { enqueueTry } from './durability.js';
import { offerQueuedLeads } from './queued-leads.js';
import { fireDueSlaTimers } from './sla-timers.js';

export async function sweepOnce(
  deps: PipelineDeps,
  opts: { olderThanMs: number; limit?: number },
): Promise<{ events: number; writes: number; notifications: number; queued: number; slaFired: number }> {
  const now = deps.now();
  const cutoff = new Date(now.getTime() - opts.olderThanMs);
  const limit = opts.limit ?? 1000;
  const [events, writes, dueEvents, dueWrites, queuedCount, notes, dueNotes] = await Promise.all([
    listStaleInboundEvents(deps.db, cutoff, limit),
    listStaleOutbox(deps.db, cutoff, limit),
    listDueRows(deps.db, 'route', now, limit),
    listDueRows(deps.db, 'writeback', now, limit),
    offerQueuedLeads(deps, limit),
    listStaleNotifications(deps.db, cutoff, limit),
    listDueRows(deps.db, 'notify', now, limit),
  ]);
  for (const e of events) await deps.queue.enqueue('route', { v: 1, eventId: e.id }, { jobId: e.id });
  for (const w of writes) await deps.queue.enqueue('writeback', { v: 1, outboxId: w.id }, { jobId: w.id });
  // A due row's job id names its try: the same id as its nudge, so the two deduplicate. A row
  // still due a grace period later had its job lost (a partial Redis loss can leave an orphaned
  // job id that swallows every add): it gets a new id per grace period. Rows are claimed before
  // a write, so a second job for one row sends nothing.
  const round = (r: { nextAttemptAt: Date | null }) =>
    r.nextAttemptAt && r.nextAttemptAt < cutoff ? Math.floor(now.getTime() / Math.max(1, opts.olderThanMs)) : undefined;
  for (const e of dueEvents) await enqueueTry(deps.queue, 'route', e.id, e.attempts, 0, round(e));
  for (const w of dueWrites) await enqueueTry(deps.queue, 'writeback', w.id, w.attempts, 0, round(w));
  // Notifications: never tried (a lost job), or due (a retry, quiet hours over, an SLA warning's time).
  for (const n of notes) await deps.queue.enqueue('notify', { v: 1, notificationId: n.id }, { jobId: n.id });
  for (const n of dueNotes) await enqueueTry(deps.queue, 'notify', n.id, n.attempts, 0, round(n));
  if (notes.length + dueNotes.length) deps.metrics.swept.inc({ queue: 'notify' }, notes.length + dueNotes.length);
  if (events.length + dueEvents.length) deps.metrics.swept.inc({ queue: 'route' }, events.length + dueEvents.length);
  if (writes.length + dueWrites.length)
    deps.metrics.swept.inc({ queue: 'writeback' }, writes.length + dueWrites.length);
  // SLA timers past due by the grace period fire from Postgres: their delayed job may be gone with Redis.
  const slaFired = await fireDueSlaTimers(deps, { dueBy: cutoff, limit });
  return {
    events: events.length + dueEvents.length,
    writes: writes.length + dueWrites.length,
    notifications: notes.length + dueNotes.length,
    queued: queuedCount,
    slaFired,
  };
}

export function startSweeper(deps: PipelineDeps, opts: { intervalMs: number; olderThanMs: number }): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepOnce(deps, opts)
      .then((n) => {
        if (n.events || n.writes || n.notifications || n.slaFired)
          deps.logger.info(n, 'sweeper re-enqueued stored work');
      })
      .catch((err: Error) => deps.logger.warn({ err: err.message }, 'sweep failed; will try again'))
      .finally(() => (running = false));
  }, opts.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
