// Dead letters: inbound events (route) and outbox rows (write-back) that exhausted their retry
// horizon or were refused for good, listed for an operator and put back to work by a replay
// (docs/failures.md). Replays are conditional updates: a row written or replayed meanwhile is not
// dead any more and is left alone, so replaying twice writes once.
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type DbOrTx } from './client.js';
import type { RetryKind } from './retries.js';

export interface DeadLetterFilter {
  kind?: RetryKind;
  crm?: string;
  code?: string;
  /** On the last attempt (or when it was refused). */
  since?: Date;
  until?: Date;
  ids?: string[];
  /** Keyset: rows strictly older than this (at, id). */
  before?: { at: Date; id: string };
  limit: number;
}

export interface DeadLetterRow {
  kind: RetryKind;
  id: string;
  status: string;
  /** Null for a notification not about an assignment (an SLA warning's or dead letter's). */
  eventId: string | null;
  outboxId: string | null;
  leadId: string | null;
  crm: string;
  objectType: string;
  recordId: string;
  ownerId: string | null;
  code: string | null;
  lastError: string | null;
  attempts: number;
  firstFailedAt: Date | null;
  /** The last attempt; for a row refused at intake, when it was stored. */
  at: Date;
}

// One shape for both tables; `at` is truncated to milliseconds, the precision of a JS Date (and so of a cursor).
const deadRows = sql`(
  select 'route' as kind, e.id, e.status, e.id as event_id, null::uuid as outbox_id, l.id as lead_id, e.crm, e.object_type, e.record_id, null as owner_id,
         -- an event refused at intake (not parseable) carries no code of its own: it failed validation
         coalesce(e.error_code, case when e.status = 'refused' then 'VALIDATION_FAILED' end) as code, e.last_error, e.attempts, e.first_failed_at,
         date_trunc('milliseconds', coalesce(e.last_attempt_at, e.processed_at, e.received_at)) as at
  from inbound_events e
  left join leads l on l.crm = e.crm and l.object_type = e.object_type and l.record_id = e.record_id
  where e.status in ('failed', 'refused')
  union all
  select 'writeback', o.id, o.status, a.event_id, o.id, o.lead_id, o.crm, o.object_type, o.record_id, o.owner_id,
         o.error_code, o.last_error, o.attempts, o.first_failed_at,
         date_trunc('milliseconds', coalesce(o.last_attempt_at, o.done_at, o.created_at))
  from outbox o join assignments a on a.id = o.assignment_id
  where o.status = 'failed'
  union all
  -- a notification: its record is its lead's (none for one about a dead letter), its owner the target it was for
  select 'notify', n.id, n.status, a.event_id, null::uuid, n.lead_id, coalesce(l.crm, n.channel), coalesce(l.object_type, n.event), coalesce(l.record_id, n.id::text), n.target,
         n.error_code, n.last_error, n.attempts, n.first_failed_at,
         date_trunc('milliseconds', coalesce(n.last_attempt_at, n.done_at, n.created_at))
  from notifications n left join assignments a on a.id = n.assignment_id left join leads l on l.id = n.lead_id
  where n.status = 'failed'
) d`;

/** Newest first, keyset-paged on (at, id). */
export async function listDeadLetters(db: DbOrTx, f: DeadLetterFilter): Promise<DeadLetterRow[]> {
  const where: SQL[] = [sql`true`];
  if (f.kind) where.push(sql`d.kind = ${f.kind}`);
  if (f.crm) where.push(sql`d.crm = ${f.crm}`);
  if (f.code) where.push(sql`d.code = ${f.code}`);
  if (f.since) where.push(sql`d.at >= ${f.since.toISOString()}::timestamptz`);
  if (f.until) where.push(sql`d.at <= ${f.until.toISOString()}::timestamptz`);
  if (f.ids)
    where.push(
      f.ids.length
        ? sql`d.id in (${sql.join(
            f.ids.map((id) => sql`${id}::uuid`),
            sql`, `,
          )})`
        : sql`false`,
    );
  if (f.before) {
    const b = sql`${f.before.at.toISOString()}::timestamptz`;
    where.push(sql`(d.at < ${b} or (d.at = ${b} and d.id < ${f.before.id}::uuid))`);
  }
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(
      sql`select * from ${deadRows} where ${sql.join(where, sql` and `)} order by d.at desc, d.id desc limit ${f.limit}`,
    ),
  );
  return rows.map((r) => ({
    kind: r.kind as RetryKind,
    id: String(r.id),
    status: String(r.status),
    eventId: (r.event_id as string | null) ?? null,
    outboxId: (r.outbox_id as string | null) ?? null,
    leadId: (r.lead_id as string | null) ?? null,
    crm: String(r.crm),
    objectType: String(r.object_type),
    recordId: String(r.record_id),
    ownerId: (r.owner_id as string | null) ?? null,
    code: (r.code as string | null) ?? null,
    lastError: (r.last_error as string | null) ?? null,
    attempts: Number(r.attempts),
    firstFailedAt: r.first_failed_at ? new Date(r.first_failed_at as string) : null,
    at: new Date(r.at as string),
  }));
}

/**
 * Dead write-backs a replay must not send: a newer write for the same lead exists (a reassignment
 * or a revert would be undone), or the lead's owner is no longer the one this row writes (a
 * person changed it in the CRM and the change was adopted). Answers id -> reason.
 */
export async function supersededWrites(db: DbOrTx, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = rowsOf<{ id: string; reason: string }>(
    await db.execute(sql`
      select o.id,
             case when exists (select 1 from outbox n where n.lead_id = o.lead_id and n.created_at > o.created_at) then 'a newer owner write exists for this lead'
                  else 'the lead''s owner is no longer the one this row writes' end as reason
      from outbox o join leads l on l.id = o.lead_id
      where o.id in (${sql.join(
        ids.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})
        and (exists (select 1 from outbox n where n.lead_id = o.lead_id and n.created_at > o.created_at)
             or l.crm_owner_id is distinct from o.owner_id)`),
  );
  return new Map(rows.map((r) => [r.id, r.reason]));
}

/**
 * Puts dead rows back to work with a fresh horizon and backoff (attempts from 0): events to
 * received, writes to pending, due now. last_error and error_code stay until the next try.
 * Only rows still dead change; answers the ids that did.
 */
export async function reviveDeadLetters(db: DbOrTx, kind: RetryKind, ids: string[], now: Date): Promise<string[]> {
  if (ids.length === 0) return [];
  const list = sql.join(
    ids.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  const at = sql`${now.toISOString()}::timestamptz`;
  const result =
    kind === 'route'
      ? await db.execute(sql`
          update inbound_events set status = 'received', next_attempt_at = ${at}, first_failed_at = null, attempts = 0, processed_at = null
          where id in (${list}) and status in ('failed', 'refused') returning id`)
      : kind === 'notify'
        ? await db.execute(sql`
          update notifications set status = 'pending', next_attempt_at = ${at}, first_failed_at = null, attempts = 0, done_at = null
          where id in (${list}) and status = 'failed' returning id`)
        : await db.execute(sql`
          update outbox set status = 'pending', next_attempt_at = ${at}, first_failed_at = null, attempts = 0, done_at = null
          where id in (${list}) and status = 'failed' returning id`);
  return rowsOf<{ id: string }>(result).map((r) => r.id);
}
