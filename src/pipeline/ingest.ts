// Intake contract: an event is committed to Postgres before the caller gets its 2xx. The
// queue is only a nudge; if Redis is down the ack still stands and the sweeper enqueues later.
import type { InboundEvent } from '../connector.js';
import { insertInboundEvent, insertInboundEvents, type NewInboundEvent } from '../db/index.js';
import type { PipelineDeps } from './deps.js';

export interface ApiLeadInput {
  source: string;
  idempotencyKey: string;
  lead: Record<string, unknown> & { externalId?: string };
}

export async function ingestApiLead(deps: PipelineDeps, input: ApiLeadInput): Promise<{ eventId: string; duplicate: boolean }> {
  const { externalId, ...fields } = input.lead;
  const source = `api:${input.source}`;
  const { id, duplicate } = await insertInboundEvent(deps.db, {
    source,
    sourceEventId: input.idempotencyKey,
    kind: 'created',
    crm: 'api',
    objectType: 'lead',
    recordId: externalId ?? input.idempotencyKey,
    payload: { fields },
  });
  deps.metrics.eventsReceived.inc({ source: 'api', outcome: duplicate ? 'duplicate' : 'stored' });
  if (!duplicate) await nudge(deps, id);
  return { eventId: id, duplicate };
}

/** A CRM's batch of events: stored in one statement, each new one enqueued for routing. */
export async function ingestCrmEvents(deps: PipelineDeps, source: string, events: InboundEvent[]): Promise<{ stored: number; duplicates: number }> {
  const rows: NewInboundEvent[] = events.map((e) => ({
    source,
    sourceEventId: e.sourceEventId,
    kind: e.kind,
    crm: e.record.crm,
    objectType: e.record.objectType,
    recordId: e.record.id,
    payload: e,
  }));
  const inserted = await insertInboundEvents(deps.db, rows);
  deps.metrics.eventsReceived.inc({ source, outcome: 'stored' }, inserted.length);
  deps.metrics.eventsReceived.inc({ source, outcome: 'duplicate' }, events.length - inserted.length);
  await Promise.all(inserted.map((r) => nudge(deps, r.id)));
  return { stored: inserted.length, duplicates: events.length - inserted.length };
}

async function nudge(deps: PipelineDeps, eventId: string): Promise<void> {
  try {
    await deps.queue.enqueue('route', { v: 1, eventId }, { jobId: eventId });
  } catch (err) {
    deps.logger.warn({ eventId, err: (err as Error).message }, 'route job not enqueued; the sweeper will pick the stored event up');
  }
}
