import { and, asc, eq, inArray, lt, sql } from 'drizzle-orm';
import { jsonParam, type DbOrTx } from './client.js';
import { assignments, inboundEvents, outbox } from './schema.js';
import { storedError } from './stored-error.js';

export type NewOutboxRow = typeof outbox.$inferInsert;
export type OutboxRow = typeof outbox.$inferSelect;

export async function insertOutboxRows(tx: DbOrTx, rows: NewOutboxRow[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const out = await tx.insert(outbox).values(rows).returning({ id: outbox.id });
  return out.map((r) => r.id);
}

/** Pending rows among `ids`, with when their lead came in (for the intake -> owner-written metric). */
export async function getPendingOutboxRows(db: DbOrTx, ids: string[]): Promise<Array<OutboxRow & { receivedAt: Date }>> {
  if (ids.length === 0) return [];
  const rows = await db
    .select({ row: outbox, receivedAt: inboundEvents.receivedAt })
    .from(outbox)
    .innerJoin(assignments, eq(assignments.id, outbox.assignmentId))
    .innerJoin(inboundEvents, eq(inboundEvents.id, assignments.eventId))
    .where(and(inArray(outbox.id, ids), eq(outbox.status, 'pending')));
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
      attempts = o.attempts + case when x.done and o.status = 'pending' then 1 else 0 end
    from jsonb_to_recordset(${jsonParam(rows)}) as x(id uuid, response jsonb, done boolean)
    where o.id = x.id`);
}

export async function markOutboxFailed(db: DbOrTx, id: string, error: string, now: Date): Promise<void> {
  await db
    .update(outbox)
    .set({ status: 'failed', doneAt: now, lastError: storedError(error), attempts: sql`${outbox.attempts} + 1` })
    .where(and(eq(outbox.id, id), eq(outbox.status, 'pending')));
}

export async function recordOutboxAttempt(db: DbOrTx, id: string, error: string): Promise<void> {
  await db.update(outbox).set({ attempts: sql`${outbox.attempts} + 1`, lastError: storedError(error) }).where(eq(outbox.id, id));
}

export async function listStaleOutbox(db: DbOrTx, createdBefore: Date, limit: number): Promise<{ id: string }[]> {
  return db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(eq(outbox.status, 'pending'), lt(outbox.createdAt, createdBefore)))
    .orderBy(asc(outbox.createdAt))
    .limit(limit);
}
