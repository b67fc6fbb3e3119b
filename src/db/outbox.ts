import { and, asc, eq, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import { jsonParam, type DbOrTx } from './client.js';
import { assignments, inboundEvents, outbox } from './schema.js';

export type NewOutboxRow = typeof outbox.$inferInsert;
export type OutboxRow = typeof outbox.$inferSelect;

export async function insertOutboxRows(tx: DbOrTx, rows: NewOutboxRow[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const out = await tx.insert(outbox).values(rows).returning({ id: outbox.id });
  return out.map((r) => r.id);
}

/**
 * Pending rows among `ids` that are due (never failed, or their next try has come: a stray or
 * early job must not send a write an open circuit or a backoff holds back), with when their lead
 * came in (for the intake -> owner-written metric).
 */
export async function getPendingOutboxRows(db: DbOrTx, ids: string[], now: Date): Promise<Array<OutboxRow & { receivedAt: Date }>> {
  if (ids.length === 0) return [];
  const rows = await db
    .select({ row: outbox, receivedAt: inboundEvents.receivedAt })
    .from(outbox)
    .innerJoin(assignments, eq(assignments.id, outbox.assignmentId))
    .innerJoin(inboundEvents, eq(inboundEvents.id, assignments.eventId))
    .where(and(inArray(outbox.id, ids), eq(outbox.status, 'pending'), or(isNull(outbox.nextAttemptAt), lte(outbox.nextAttemptAt, now))));
  return rows.map((r) => ({ ...r.row, receivedAt: r.receivedAt }));
}

/**
 * What the CRM answered to each write (the ledger keeps it, retries included: the last answer
 * wins), and the rows it accepted marked done, in one statement. Rows no longer pending keep
 * their status.
 */
export async function recordWriteResults(db: DbOrTx, rows: Array<{ id: string; response: Record<string, unknown>; done: boolean }>, now: Date): Promise<void> {
  if (rows.length === 0) return;
  await db.execute(sql`
    update outbox o set
      crm_response = x.response,
      status = case when x.done and o.status = 'pending' then 'done' else o.status end,
      done_at = case when x.done and o.status = 'pending' then ${now.toISOString()}::timestamptz else o.done_at end,
      last_error = case when x.done and o.status = 'pending' then null else o.last_error end,
      next_attempt_at = case when x.done and o.status = 'pending' then null else o.next_attempt_at end,
      last_attempt_at = ${now.toISOString()}::timestamptz,
      attempts = o.attempts + case when x.done and o.status = 'pending' then 1 else 0 end
    from jsonb_to_recordset(${jsonParam(rows)}) as x(id uuid, response jsonb, done boolean)
    where o.id = x.id`);
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
