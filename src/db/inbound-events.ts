import { and, asc, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import { executeNamed, jsonParam, rowsOf, type DbOrTx } from './client.js';
import { inboundEvents } from './schema.js';
import { storedError } from './stored-error.js';

export interface NewInboundEvent {
  source: string;
  sourceEventId: string;
  kind: string;
  crm: string;
  objectType: string;
  recordId: string;
  payload: unknown;
  /** Default 'received'. 'refused': stored for the record with its reason, never routed. */
  status?: 'received' | 'refused';
  lastError?: string;
  /** The HTTP request that brought it (x-request-id), for its log lines; absent for streams and polling. */
  requestId?: string;
}

export type InboundEventRow = typeof inboundEvents.$inferSelect;

/** Statuses that still need routing: stored and not yet decided, or held by a full pool. */
export const routableStatuses = ['received', 'queued'] as const;

/** Waiting leads' order: highest score first, then oldest (inbound_events_queued_idx). */
const queuedOrder = [sql`${inboundEvents.leadScore} desc nulls last`, asc(inboundEvents.receivedAt)] as const;

/** Stores the event once per (source, sourceEventId). A redelivery returns the first row's id. */
export async function insertInboundEvent(db: DbOrTx, ev: NewInboundEvent): Promise<{ id: string; duplicate: boolean }> {
  const inserted = await db
    .insert(inboundEvents)
    .values(ev)
    .onConflictDoNothing({ target: [inboundEvents.source, inboundEvents.sourceEventId] })
    .returning({ id: inboundEvents.id });
  if (inserted[0]) return { id: inserted[0].id, duplicate: false };
  const [existing] = await db
    .select({ id: inboundEvents.id })
    .from(inboundEvents)
    .where(and(eq(inboundEvents.source, ev.source), eq(inboundEvents.sourceEventId, ev.sourceEventId)));
  return { id: existing!.id, duplicate: true };
}

/** Many events in one statement (an intake group commit, a CRM batch); returns the ids of the new ones only. */
export async function insertInboundEvents(
  db: DbOrTx,
  evs: NewInboundEvent[],
): Promise<{ id: string; source: string; sourceEventId: string; status: string }[]> {
  if (evs.length === 0) return [];
  // One JSON parameter, not a VALUES list built per column: this is the intake hot path.
  const rows = rowsOf<{ id: string; source: string; source_event_id: string; status: string }>(
    await executeNamed(
      db,
      sql`
      insert into inbound_events (source, source_event_id, kind, crm, object_type, record_id, payload, status, last_error, processed_at, request_id)
      select source, source_event_id, kind, crm, object_type, record_id, payload, coalesce(status, 'received'), last_error,
        case when status = 'refused' then now() end, request_id
      from jsonb_to_recordset(${jsonParam(evs.map((e) => ({ source: e.source, source_event_id: e.sourceEventId, kind: e.kind, crm: e.crm, object_type: e.objectType, record_id: e.recordId, payload: e.payload, status: e.status, last_error: e.lastError === undefined ? undefined : storedError(e.lastError), request_id: e.requestId })))})
        as x(source text, source_event_id text, kind text, crm text, object_type text, record_id text, payload jsonb, status text, last_error text, request_id text)
      on conflict (source, source_event_id) do nothing
      returning id, source, source_event_id, status`,
    ),
  );
  return rows.map((r) => ({ id: r.id, source: r.source, sourceEventId: r.source_event_id, status: r.status }));
}

/** The events of a batch that still need routing. */
export async function getRoutableInboundEvents(db: DbOrTx, ids: string[]): Promise<InboundEventRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(inboundEvents)
    .where(and(inArray(inboundEvents.id, ids), inArray(inboundEvents.status, [...routableStatuses])));
}

/**
 * A routing batch's first read in one round trip: its events that still need routing and, apart,
 * up to `waitingLimit` other leads full pools are holding (the order of listQueuedInboundEvents).
 */
export async function getRoutableWithWaiting(
  db: DbOrTx,
  ids: string[],
  waitingLimit: number,
): Promise<{ events: InboundEventRow[]; waiting: InboundEventRow[] }> {
  if (ids.length === 0) return { events: [], waiting: [] };
  const batch = new Set(ids);
  const rows = await db
    .select()
    .from(inboundEvents)
    .where(and(inArray(inboundEvents.id, ids), inArray(inboundEvents.status, [...routableStatuses])))
    .unionAll(
      db
        .select()
        .from(inboundEvents)
        .where(and(eq(inboundEvents.status, 'queued'), sql`${inboundEvents.id} <> ${allUuid(ids)}`))
        .orderBy(...queuedOrder)
        .limit(waitingLimit),
    );
  return { events: rows.filter((r) => batch.has(r.id)), waiting: rows.filter((r) => !batch.has(r.id)) };
}

const allUuid = (ids: string[]) => sql`all(array(select jsonb_array_elements_text(${jsonParam(ids)})::uuid))`;

/**
 * Locks the batch's event rows (in id order, so concurrent batches never deadlock) and returns
 * the ids still routable: the status read under the lock decides, so a second worker or a
 * retry finds them done and writes nothing.
 */
export async function lockRoutableInboundEvents(tx: DbOrTx, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await tx
    .select({ id: inboundEvents.id, status: inboundEvents.status })
    .from(inboundEvents)
    .where(inArray(inboundEvents.id, ids))
    .orderBy(inboundEvents.id)
    .for('update');
  return new Set(rows.filter((r) => (routableStatuses as readonly string[]).includes(r.status)).map((r) => r.id));
}

export async function markInboundEventsDone(tx: DbOrTx, ids: string[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await tx
    .update(inboundEvents)
    .set({ status: 'done', processedAt: now, lastError: null })
    .where(inArray(inboundEvents.id, ids));
}

/** Events stored but not yet handled nor scheduled, older than the cutoff: their job may be lost (Redis flushed, worker killed). */
export async function listStaleInboundEvents(
  db: DbOrTx,
  receivedBefore: Date,
  limit: number,
): Promise<{ id: string }[]> {
  return db
    .select({ id: inboundEvents.id })
    .from(inboundEvents)
    .where(
      and(
        eq(inboundEvents.status, 'received'),
        isNull(inboundEvents.nextAttemptAt),
        lt(inboundEvents.receivedAt, receivedBefore),
      ),
    )
    .orderBy(asc(inboundEvents.receivedAt))
    .limit(limit);
}

/** Leads a full pool is holding: highest score first, then oldest, as the pool promises. */
export async function listQueuedInboundEvents(db: DbOrTx, limit: number): Promise<{ id: string }[]> {
  return db
    .select({ id: inboundEvents.id })
    .from(inboundEvents)
    .where(eq(inboundEvents.status, 'queued'))
    .orderBy(...queuedOrder)
    .limit(limit);
}

/**
 * Stores many events in one statement and answers, per input (same order), its row id and
 * whether it was already stored (a redelivery, or an earlier twin in the same batch).
 */
export async function storeInboundEvents(
  db: DbOrTx,
  evs: NewInboundEvent[],
): Promise<{ id: string; duplicate: boolean }[]> {
  if (evs.length === 0) return [];
  const key = (source: string, sourceEventId: string) => `${source}\u0000${sourceEventId}`;
  const inserted = await insertInboundEvents(db, evs);
  const fresh = new Map(inserted.map((r) => [key(r.source, r.sourceEventId), r.id]));
  const ids = new Map(fresh);
  const missing = evs.filter((e) => !ids.has(key(e.source, e.sourceEventId)));
  if (missing.length > 0) {
    // Both columns of inbound_events_source_event_uq: by source_event_id alone the key's leading
    // column was missing, and each redelivery read the whole index or table (parallel workers on
    // ~5 GB beside 10,000,000 events).
    const distinct = (xs: string[]) => [...new Set(xs)];
    const rows = rowsOf<{ id: string; source: string; source_event_id: string }>(
      await db.execute(sql`
        select id, source, source_event_id from inbound_events
        where source = any(array(select jsonb_array_elements_text(${jsonParam(distinct(missing.map((m) => m.source)))})))
          and source_event_id = any(array(select jsonb_array_elements_text(${jsonParam(distinct(missing.map((m) => m.sourceEventId)))})))`),
    ).map((r) => ({ id: r.id, source: r.source, sourceEventId: r.source_event_id }));
    for (const r of rows) if (!ids.has(key(r.source, r.sourceEventId))) ids.set(key(r.source, r.sourceEventId), r.id);
  }
  const claimed = new Set<string>();
  return evs.map((ev) => {
    const k = key(ev.source, ev.sourceEventId);
    const id = ids.get(k)!;
    const duplicate = fresh.get(k) !== id || claimed.has(k);
    claimed.add(k);
    return { id, duplicate };
  });
}
