import { and, asc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from './client.js';
import { assignments, inboundEvents, outbox } from './schema.js';

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

export async function markOutboxRowsDone(db: DbOrTx, ids: string[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(outbox)
    .set({ status: 'done', doneAt: now, lastError: null, attempts: sql`${outbox.attempts} + 1` })
    .where(and(inArray(outbox.id, ids), eq(outbox.status, 'pending')));
}

export async function markOutboxFailed(db: DbOrTx, id: string, error: string, now: Date): Promise<void> {
  await db
    .update(outbox)
    .set({ status: 'failed', doneAt: now, lastError: error, attempts: sql`${outbox.attempts} + 1` })
    .where(and(eq(outbox.id, id), eq(outbox.status, 'pending')));
}

export async function recordOutboxAttempt(db: DbOrTx, id: string, error: string): Promise<void> {
  await db.update(outbox).set({ attempts: sql`${outbox.attempts} + 1`, lastError: error }).where(eq(outbox.id, id));
}

export async function listStaleOutbox(db: DbOrTx, createdBefore: Date, limit: number): Promise<{ id: string }[]> {
  return db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(eq(outbox.status, 'pending'), lt(outbox.createdAt, createdBefore)))
    .orderBy(asc(outbox.createdAt))
    .limit(limit);
}
