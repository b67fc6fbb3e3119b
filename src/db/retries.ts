// The durable retry schedule of inbound events (route), outbox rows (write-back) and
// notifications (notify), and their
// dead letters (docs/failures.md). A row waiting for its next try keeps its status (received /
// pending) with next_attempt_at set; a dead letter is status failed (or refused, set at intake for
// an event that cannot be parsed) with the code of its last failure.
import { and, asc, eq, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import { jsonParam, rowsOf, type DbOrTx } from './client.js';
import { assignments, inboundEvents, notifications, outbox } from './schema.js';
import { storedError } from './stored-error.js';

export type RetryKind = 'route' | 'writeback' | 'notify';

/** Statuses a row can be retried from, per kind. */
const live: Record<RetryKind, string[]> = {
  route: ['received', 'queued'],
  writeback: ['pending'],
  notify: ['pending'],
};

/** Each kind's table. */
const tableOf = { route: inboundEvents, writeback: outbox, notify: notifications } as const;
const tableName: Record<RetryKind, string> = { route: 'inbound_events', writeback: 'outbox', notify: 'notifications' };

export interface RetryState {
  id: string;
  /** The CRM (route, writeback) or the channel (notify): the metrics' `crm` label. */
  crm: string;
  attempts: number;
  firstFailedAt: Date | null;
  /** The lead's ids for the log lines about this row (docs/operations.md): an event has no lead yet. */
  leadId: string | null;
  eventId: string | null;
  requestId: string | null;
}

export async function getRetryStates(db: DbOrTx, kind: RetryKind, ids: string[]): Promise<RetryState[]> {
  if (ids.length === 0) return [];
  if (kind === 'route') {
    const t = inboundEvents;
    return db
      .select({
        id: t.id,
        crm: t.crm,
        attempts: t.attempts,
        firstFailedAt: t.firstFailedAt,
        leadId: sql<string | null>`null`,
        eventId: t.id,
        requestId: t.requestId,
      })
      .from(t)
      .where(and(inArray(t.id, ids), inArray(t.status, live[kind])));
  }
  if (kind === 'notify') {
    const n = notifications;
    return db
      .select({
        id: n.id,
        crm: n.channel,
        attempts: n.attempts,
        firstFailedAt: n.firstFailedAt,
        leadId: n.leadId,
        eventId: assignments.eventId,
        requestId: sql<string | null>`null`,
      })
      .from(n)
      .leftJoin(assignments, eq(assignments.id, n.assignmentId))
      .where(and(inArray(n.id, ids), inArray(n.status, live[kind])));
  }
  return db
    .select({
      id: outbox.id,
      crm: outbox.crm,
      attempts: outbox.attempts,
      firstFailedAt: outbox.firstFailedAt,
      leadId: outbox.leadId,
      eventId: assignments.eventId,
      requestId: inboundEvents.requestId,
    })
    .from(outbox)
    .innerJoin(assignments, eq(assignments.id, outbox.assignmentId))
    .innerJoin(inboundEvents, eq(inboundEvents.id, assignments.eventId))
    .where(and(inArray(outbox.id, ids), inArray(outbox.status, live[kind])));
}

export interface FailureRecord {
  id: string;
  code: string;
  error: string;
  /** Set: try again then. Unset: a dead letter (refused for good, or its horizon is spent). */
  nextAttemptAt?: Date;
}

/**
 * One failed try per row, in one statement: attempts + 1, the error and its code, first_failed_at
 * kept (or set now), and either the next try or status failed. Rows no longer live (written or
 * dead meanwhile) are left alone. Answers the rows changed with their new attempt count.
 */
export async function recordFailures(
  db: DbOrTx,
  kind: RetryKind,
  rows: FailureRecord[],
  now: Date,
): Promise<Array<{ id: string; attempts: number; dead: boolean }>> {
  if (rows.length === 0) return [];
  const table = sql.raw(tableName[kind]);
  const statuses = sql.join(
    live[kind].map((s) => sql`${s}`),
    sql`, `,
  );
  // processed_at / done_at say when an event / write ended: for a dead letter, now.
  const ended = sql.raw(kind === 'route' ? 'processed_at' : 'done_at');
  const at = now.toISOString();
  const out = rowsOf<{ id: string; attempts: number; status: string }>(
    await db.execute(sql`
      update ${table} t set
        attempts = t.attempts + 1,
        last_error = x.error,
        error_code = x.code,
        last_attempt_at = ${at}::timestamptz,
        first_failed_at = coalesce(t.first_failed_at, ${at}::timestamptz),
        next_attempt_at = x.next_attempt_at,
        status = case when x.next_attempt_at is null then 'failed' else t.status end,
        ${ended} = case when x.next_attempt_at is null then ${at}::timestamptz else t.${ended} end
      from jsonb_to_recordset(${jsonParam(rows.map((r) => ({ id: r.id, code: r.code, error: storedError(r.error), next_attempt_at: r.nextAttemptAt?.toISOString() ?? null })))})
        as x(id uuid, code text, error text, next_attempt_at timestamptz)
      where t.id = x.id and t.status in (${statuses})
      returning t.id, t.attempts, t.status`),
  );
  return out.map((r) => ({ id: r.id, attempts: Number(r.attempts), dead: r.status === 'failed' }));
}

/** Moves rows' next try without counting an attempt (horizon untouched): writes an open circuit holds back, and the claim a running write-back renews. */
export async function deferRows(db: DbOrTx, kind: RetryKind, ids: string[], until: Date): Promise<void> {
  if (ids.length === 0) return;
  const t = tableOf[kind];
  await db
    .update(t)
    .set({ nextAttemptAt: until })
    .where(and(inArray(t.id, ids), inArray(t.status, live[kind])));
}

/** Rows whose next try is due, oldest due first, with their attempt count (it names the job). */
export async function listDueRows(
  db: DbOrTx,
  kind: RetryKind,
  now: Date,
  limit: number,
): Promise<Array<{ id: string; attempts: number; nextAttemptAt: Date | null }>> {
  const t = tableOf[kind];
  const status = kind === 'route' ? 'received' : 'pending';
  return db
    .select({ id: t.id, attempts: t.attempts, nextAttemptAt: t.nextAttemptAt })
    .from(t)
    .where(and(eq(t.status, status), isNotNull(t.nextAttemptAt), lte(t.nextAttemptAt, now)))
    .orderBy(asc(t.nextAttemptAt))
    .limit(limit);
}

export interface BacklogCount {
  kind: RetryKind;
  crm: string;
  /** pending: not failed yet; retrying: failed, next try scheduled; waiting: a lead a full pool holds (route only); dead: a dead letter. */
  state: 'pending' | 'retrying' | 'waiting' | 'dead';
  count: number;
}

/**
 * Rows pending, retrying, waiting and dead by kind and CRM, for the gauges (every /metrics scrape).
 * One arm per partial index (inbound_events_received_idx, _due_idx, _queued_idx, _dead_idx;
 * outbox_pending_idx, _due_idx, _dead_idx), each with the index's own predicate: as one
 * `status in (...)` over all four states no index matched, and every scrape read both tables whole
 * (62,000 pages beside 1,000,000 leads of history).
 */
export async function countBacklog(db: DbOrTx): Promise<BacklogCount[]> {
  const notFailedOrRetrying = `case when first_failed_at is null then 'pending' else 'retrying' end`;
  // [kind, table, the index's predicate, state]
  const arms: Array<[RetryKind, string, string, string]> = [
    ['route', 'inbound_events', `status = 'received' and next_attempt_at is null`, notFailedOrRetrying],
    ['route', 'inbound_events', `status = 'received' and next_attempt_at is not null`, notFailedOrRetrying],
    ['route', 'inbound_events', `status = 'queued'`, `'waiting'`],
    ['route', 'inbound_events', `status in ('failed', 'refused')`, `'dead'`],
    ['writeback', 'outbox', `status = 'pending' and next_attempt_at is null`, notFailedOrRetrying],
    ['writeback', 'outbox', `status = 'pending' and next_attempt_at is not null`, notFailedOrRetrying],
    ['writeback', 'outbox', `status = 'failed'`, `'dead'`],
  ];
  const union = arms
    .map(
      ([kind, table, where, state]) =>
        `select '${kind}' as kind, crm, ${state} as state, count(*) as n from ${table} where ${where} group by 1, 2, 3`,
    )
    .join('\n        union all\n        ');
  const rows = rowsOf<{ kind: RetryKind; crm: string; state: BacklogCount['state']; n: string }>(
    await db.execute(sql.raw(`select kind, crm, state, sum(n)::bigint as n from (${union}) b group by 1, 2, 3`)),
  );
  return rows.map((r) => ({ kind: r.kind, crm: r.crm, state: r.state, count: Number(r.n) }));
}
