import { and, asc, eq, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from './client.js';
import { outbox } from './schema.js';

export type NewOutboxRow = typeof outbox.$inferInsert;
export type OutboxRow = typeof outbox.$inferSelect;

export async function insertOutbox(tx: DbOrTx, row: NewOutboxRow): Promise<string> {
  const [r] = await tx.insert(outbox).values(row).returning({ id: outbox.id });
  return r!.id;
}

export async function getOutbox(db: DbOrTx, id: string): Promise<OutboxRow | undefined> {
  const [row] = await db.select().from(outbox).where(eq(outbox.id, id));
  return row;
}

export async function markOutboxDone(db: DbOrTx, id: string, now: Date): Promise<void> {
  await db
    .update(outbox)
    .set({ status: 'done', doneAt: now, lastError: null, attempts: sql`${outbox.attempts} + 1` })
    .where(and(eq(outbox.id, id), eq(outbox.status, 'pending')));
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
