import { listQueuedInboundEvents } from '../db/index.js';
import type { PipelineDeps } from './deps.js';

/**
 * Offers the leads full pools are holding to routing again, highest score first, then oldest.
 * The sweeper does it every interval; a change that frees capacity (a lead closed) does it at once.
 */
export async function offerQueuedLeads(deps: PipelineDeps, limit = 1000): Promise<number> {
  const queued = await listQueuedInboundEvents(deps.db, limit);
  for (const e of queued) await deps.queue.enqueue('route', { v: 1, eventId: e.id }, { jobId: e.id });
  return queued.length;
}
