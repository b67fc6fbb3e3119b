// Postgres is the record, the queue only the transport: anything stored but unfinished past
// a grace period (lost job, Redis flushed, worker killed) is enqueued again. Enqueueing is
// deduplicated by jobId and every handler is idempotent, so sweeping twice is harmless.
// Leads a full pool holds (status queued) are offered again each sweep, highest score first.
import { listStaleInboundEvents, listStaleOutbox } from '../db/index.js';
import type { PipelineDeps } from './deps.js';
import { offerQueuedLeads } from './queued-leads.js';
import { fireDueSlaTimers } from './sla-timers.js';

export async function sweepOnce(deps: PipelineDeps, opts: { olderThanMs: number; limit?: number }): Promise<{ events: number; writes: number; queued: number; slaFired: number }> {
  const cutoff = new Date(deps.now().getTime() - opts.olderThanMs);
  const limit = opts.limit ?? 1000;
  const [events, writes, queuedCount] = await Promise.all([
    listStaleInboundEvents(deps.db, cutoff, limit),
    listStaleOutbox(deps.db, cutoff, limit),
    offerQueuedLeads(deps, limit),
  ]);
  for (const e of events) await deps.queue.enqueue('route', { v: 1, eventId: e.id }, { jobId: e.id });
  for (const w of writes) await deps.queue.enqueue('writeback', { v: 1, outboxId: w.id }, { jobId: w.id });
  if (events.length) deps.metrics.swept.inc({ queue: 'route' }, events.length);
  if (writes.length) deps.metrics.swept.inc({ queue: 'writeback' }, writes.length);
  // SLA timers past due by the grace period fire from Postgres: their delayed job may be gone with Redis.
  const slaFired = await fireDueSlaTimers(deps, { dueBy: cutoff, limit });
  return { events: events.length, writes: writes.length, queued: queuedCount, slaFired };
}

export function startSweeper(deps: PipelineDeps, opts: { intervalMs: number; olderThanMs: number }): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepOnce(deps, opts)
      .then((n) => {
        if (n.events || n.writes || n.slaFired) deps.logger.info(n, 'sweeper re-enqueued stored work');
      })
      .catch((err: Error) => deps.logger.warn({ err: err.message }, 'sweep failed; will try again'))
      .finally(() => (running = false));
  }, opts.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
