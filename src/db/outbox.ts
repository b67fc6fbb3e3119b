import { and, asc, eq, isNull, lt, sql } from 'drizzle-orm';
import { anyUuid, executeNamed, jsonParam, rowsOf, type DbOrTx } from './client.js';
import { outbox } from './schema.js';
import { completedBy, confirmedStepsSql, rollUpSql, type ConfirmedStep } from './report-rollup.js';

export type NewOutboxRow = typeof outbox.$inferInsert;
export type OutboxRow = typeof outbox.$inferSelect;

export async function insertOutboxRows(tx: DbOrTx, rows: NewOutboxRow[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const out = await tx.insert(outbox).values(rows).returning({ id: outbox.id });
  return out.map((r) => r.id);
}

/** A claimed owner write with what its log line and the speed-to-lead metric need. */
export type ClaimedOutboxRow = OutboxRow & {
  /** When the triggering event was stored (intake). */
  receivedAt: Date;
  eventId: string;
  /** The triggering event's kind: only a 'created' one's first write is a speed-to-lead. */
  eventKind: string;
  requestId: string | null;
  poolId: string | null;
  /** The CRM record's creation time as the mapping read it (the lead's createdAt), if the CRM gave one. */
  recordCreatedAt: Date | null;
  /** When the routing decision was stored (the assignment). */
  decidedAt: Date;
};

/**
 * Claims the pending rows among `ids` that are due (never tried, or their next try has come),
 * with their lead's ids and times (for the log line and the speed-to-lead metrics). A claim is a lease:
 * next_attempt_at moves to `leaseUntil`, so a second job for the same row (a stalled job handed
 * on, a sweep overlapping a nudge) finds it not due and sends nothing; the write's outcome then
 * sets it (done, next try, dead). A worker that dies mid-call leaves the row due at `leaseUntil`.
 * "Due" is one coalesce, not `is null or <=`: that OR matched outbox_pending_idx and outbox_due_idx
 * together, and the planner read every pending row through both instead of the ids through the key.
 */
export async function claimDueOutboxRows(
  db: DbOrTx,
  ids: string[],
  now: Date,
  leaseUntil: Date,
): Promise<ClaimedOutboxRow[]> {
  if (ids.length === 0) return [];
  const rows = rowsOf<Record<string, unknown>>(
    await executeNamed(
      db,
      sql`
      with claimed as (
        update outbox o set next_attempt_at = ${leaseUntil.toISOString()}::timestamptz
        where o.id = ${anyUuid(ids)}
          and o.status = 'pending' and coalesce(o.next_attempt_at, '-infinity') <= ${now.toISOString()}::timestamptz
        returning o.*
      )
      select c.*, e.received_at as lead_received_at, e.id as event_id, e.kind as event_kind, e.request_id, a.pool_id, a.created_at as decided_at,
        l.data->>'createdAt' as record_created_at
      from claimed c join assignments a on a.id = c.assignment_id join inbound_events e on e.id = a.event_id join leads l on l.id = c.lead_id`,
    ),
  );
  const at = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));
  return rows.map((r) => ({
    id: String(r.id),
    assignmentId: String(r.assignment_id),
    leadId: String(r.lead_id),
    crm: String(r.crm),
    objectType: String(r.object_type),
    recordId: String(r.record_id),
    ownerId: String(r.owner_id),
    extraFields: (r.extra_fields as unknown) ?? null,
    status: String(r.status),
    attempts: Number(r.attempts),
    lastError: (r.last_error as string | null) ?? null,
    nextAttemptAt: at(r.next_attempt_at),
    firstFailedAt: at(r.first_failed_at),
    lastAttemptAt: at(r.last_attempt_at),
    errorCode: (r.error_code as string | null) ?? null,
    createdAt: at(r.created_at)!,
    doneAt: at(r.done_at),
    confirmedAt: at(r.confirmed_at),
    crmResponse: (r.crm_response as unknown) ?? null,
    receivedAt: at(r.lead_received_at)!,
    eventId: String(r.event_id),
    eventKind: String(r.event_kind),
    requestId: (r.request_id as string | null) ?? null,
    poolId: (r.pool_id as string | null) ?? null,
    recordCreatedAt: validDate(r.record_created_at),
    decidedAt: at(r.decided_at)!,
  }));
}

/**
 * What the CRM answered to each write (the ledger keeps it, retries included: the last answer
 * wins), and the rows it accepted marked done, in one statement. Rows no longer pending keep
 * their status.
 */
export async function recordWriteResults(
  db: DbOrTx,
  rows: Array<{ id: string; response: Record<string, unknown>; done: boolean }>,
  now: Date,
): Promise<ConfirmedStep[]> {
  if (rows.length === 0) return [];
  // The first write of a lead's first decision that the CRM accepted is its speed-to-lead "owner written";
  // answers the leads whose echo had come first (their written -> confirmed step is now complete).
  const steps = await executeNamed(
    db,
    sql`
    with w as (
    update outbox o set
      crm_response = x.response,
      status = case when x.done and o.status = 'pending' then 'done' else o.status end,
      done_at = case when x.done and o.status = 'pending' then ${now.toISOString()}::timestamptz else o.done_at end,
      last_error = case when x.done and o.status = 'pending' then null else o.last_error end,
      next_attempt_at = case when x.done and o.status = 'pending' then null else o.next_attempt_at end,
      last_attempt_at = ${now.toISOString()}::timestamptz,
      attempts = o.attempts + case when x.done and o.status = 'pending' then 1 else 0 end
    from jsonb_to_recordset(${jsonParam(rows)}) as x(id uuid, response jsonb, done boolean)
    where o.id = x.id and o.id = ${anyUuid(rows.map((r) => r.id))}
    returning o.assignment_id, o.status, o.done_at
    ), reported as (
    update lead_reports r set written_at = w.done_at
    from w where r.assignment_id = w.assignment_id and w.status = 'done' and r.written_at is null
    returning r.*
    ), rolled as (${rollUpSql(sql`reported`, completedBy.write)})
    ${confirmedStepsSql(sql`reported`)}`,
  );
  return rowsOf<ConfirmedStep>(steps);
}

/** Rows stored but never tried nor scheduled, older than the cutoff: their job may be lost (Redis flushed, worker killed). */
export async function listStaleOutbox(db: DbOrTx, createdBefore: Date, limit: number): Promise<{ id: string }[]> {
  return db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(eq(outbox.status, 'pending'), isNull(outbox.nextAttemptAt), lt(outbox.createdAt, createdBefore)))
    .orderBy(asc(outbox.createdAt))
    .limit(limit);
}

/** A lead's createdAt is an ISO string the mapping checked; anything else reads as "the CRM gave none". */
function validDate(v: unknown): Date | null {
  if (typeof v !== 'string') return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}
