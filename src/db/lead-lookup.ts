// Lookups behind "one id a user can use": the ids a caller holds (an event id from the 202, the
// idempotency key it sent, the CRM record it knows) turned into the lead they name. Read-only;
// every lookup is on a unique index (leads' record key, inbound_events' source + event id,
// assignments' event id) or a primary key.
import { and, eq, sql } from 'drizzle-orm';
import { jsonParam, rowsOf, type DbOrTx } from './client.js';
import { assignments, inboundEvents, leads } from './schema.js';

/**
 * An inbound event as the lead APIs show it while it has no lead yet: its columns, typed from the
 * schema (`nextAttemptAt`: when the next routing try is due after a failure; null: not failing).
 */
export type InboundEventSummary = Pick<
  typeof inboundEvents.$inferSelect,
  | 'id'
  | 'source'
  | 'sourceEventId'
  | 'kind'
  | 'crm'
  | 'objectType'
  | 'recordId'
  | 'status'
  | 'attempts'
  | 'lastError'
  | 'nextAttemptAt'
  | 'receivedAt'
  | 'processedAt'
>;

const eventSummaryColumns = {
  id: inboundEvents.id,
  source: inboundEvents.source,
  sourceEventId: inboundEvents.sourceEventId,
  kind: inboundEvents.kind,
  crm: inboundEvents.crm,
  objectType: inboundEvents.objectType,
  recordId: inboundEvents.recordId,
  status: inboundEvents.status,
  attempts: inboundEvents.attempts,
  lastError: inboundEvents.lastError,
  nextAttemptAt: inboundEvents.nextAttemptAt,
  receivedAt: inboundEvents.receivedAt,
  processedAt: inboundEvents.processedAt,
};

export async function findInboundEventSummary(db: DbOrTx, id: string): Promise<InboundEventSummary | undefined> {
  const [row] = await db.select(eventSummaryColumns).from(inboundEvents).where(eq(inboundEvents.id, id));
  return row;
}

/** Events by (source, source event id) pairs, in one statement on the unique index. */
export async function findInboundEventsByKeys(
  db: DbOrTx,
  keys: Array<{ source: string; sourceEventId: string }>,
): Promise<InboundEventSummary[]> {
  if (keys.length === 0) return [];
  const param = jsonParam(keys.map((k) => ({ source: k.source, source_event_id: k.sourceEventId })));
  return db
    .select(eventSummaryColumns)
    .from(inboundEvents)
    .where(
      sql`(${inboundEvents.source}, ${inboundEvents.sourceEventId}) in (select source, source_event_id from jsonb_to_recordset(${param}) as x(source text, source_event_id text))`,
    );
}

/** The lead stored for a CRM record (unique per crm, object type, record id). */
export async function findLeadIdByRecord(
  db: DbOrTx,
  crm: string,
  objectType: string,
  recordId: string,
): Promise<string | undefined> {
  const [row] = await db
    .select({ id: leads.id })
    .from(leads)
    .where(and(eq(leads.crm, crm), eq(leads.objectType, objectType), eq(leads.recordId, recordId)));
  return row?.id;
}

/**
 * The lead an event is about: the lead its own decision was stored on, else the lead of its
 * record (an owner-change or update event has no decision of its own). None while unrouted.
 */
export async function findLeadIdOfEvent(
  db: DbOrTx,
  ev: Pick<InboundEventSummary, 'id' | 'crm' | 'objectType' | 'recordId'>,
): Promise<string | undefined> {
  const [decided] = await db
    .select({ leadId: assignments.leadId })
    .from(assignments)
    .where(eq(assignments.eventId, ev.id));
  return decided?.leadId ?? findLeadIdByRecord(db, ev.crm, ev.objectType, ev.recordId);
}

/** Our event ids for a batch's (source, source event id) pairs: new ones and those stored before (a redelivery). */
export async function findInboundEventIds(
  db: DbOrTx,
  source: string,
  sourceEventIds: string[],
): Promise<Map<string, string>> {
  if (sourceEventIds.length === 0) return new Map();
  const rows = rowsOf<{ id: string; source_event_id: string }>(
    await db.execute(sql`
      select id, source_event_id from inbound_events
      where source = ${source} and source_event_id in (select jsonb_array_elements_text(${jsonParam(sourceEventIds)}))`),
  );
  return new Map(rows.map((r) => [r.source_event_id, r.id]));
}
