// Intake contract: an event is committed to Postgres before the caller gets its 2xx. Requests
// arriving together are stored in one multi-row INSERT (group commit), so a burst costs one
// round trip and one commit, not one each. The queue is only a nudge, sent after the ack is
// decided: if Redis is down the ack still stands and the sweeper enqueues the event later.
import type { InboundEvent } from '../connector.js';
import { insertInboundEvents, storeInboundEvents, type NewInboundEvent } from '../db/index.js';
import type { PipelineDeps } from './deps.js';
import { createBatcher, type GroupCommit } from './group-commit.js';

export interface ApiLeadInput {
  source: string;
  idempotencyKey: string;
  lead: Record<string, unknown> & { externalId?: string };
}

type Stored = { id: string; duplicate: boolean };

// One batcher per pipeline (per process), made on first use.
const batchers = new WeakMap<PipelineDeps, GroupCommit<NewInboundEvent, Stored>>();

function intakeBatcher(deps: PipelineDeps): GroupCommit<NewInboundEvent, Stored> {
  let b = batchers.get(deps);
  if (!b) {
    b = createBatcher((evs) => storeInboundEvents(deps.db, evs), { maxBatch: 200, maxConcurrent: 1 });
    batchers.set(deps, b);
  }
  return b;
}

export async function ingestApiLead(deps: PipelineDeps, input: ApiLeadInput): Promise<{ eventId: string; duplicate: boolean }> {
  const { externalId, ...fields } = input.lead;
  const { id, duplicate } = await intakeBatcher(deps).submit({
    source: `api:${input.source}`,
    sourceEventId: input.idempotencyKey,
    kind: 'created',
    crm: 'api',
    objectType: 'lead',
    recordId: externalId ?? input.idempotencyKey,
    payload: { fields },
  });
  deps.metrics.eventsReceived.inc({ source: 'api', outcome: duplicate ? 'duplicate' : 'stored' });
  if (!duplicate) nudge(deps, id);
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
  for (const r of inserted) nudge(deps, r.id);
  return { stored: inserted.length, duplicates: events.length - inserted.length };
}

/** Not awaited by the ack: the event is already durable, and Redis latency is not the caller's. */
function nudge(deps: PipelineDeps, eventId: string): void {
  deps.queue.enqueue('route', { v: 1, eventId }, { jobId: eventId }).catch((err: Error) => {
    deps.logger.warn({ eventId, err: err.message }, 'route job not enqueued; the sweeper will pick the stored event up');
  });
}
