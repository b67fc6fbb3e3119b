import { and, asc, eq, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from './client.js';
import { inboundEvents } from './schema.js';

export interface NewInboundEvent {
  source: string;
  sourceEventId: string;
  kind: string;
  crm: string;
  objectType: string;
  recordId: string;
  payload: unknown;
}

export type InboundEventRow = typeof inboundEvents.$inferSelect;

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

/** Many events in one statement (a CRM batch); returns the ids of the new ones only. */
export async function insertInboundEvents(db: DbOrTx, evs: NewInboundEvent[]): Promise<{ id: string; sourceEventId: string }[]> {
  if (evs.length === 0) return [];
  return db
    .insert(inboundEvents)
    .values(evs)
    .onConflictDoNothing({ target: [inboundEvents.source, inboundEvents.sourceEventId] })
    .returning({ id: inboundEvents.id, sourceEventId: inboundEvents.sourceEventId });
}

export async function getInboundEvent(db: DbOrTx, id: string): Promise<InboundEventRow | undefined> {
  const [row] = await db.select().from(inboundEvents).where(eq(inboundEvents.id, id));
  return row;
}

/** Locks the event row for the routing transaction; the status read under the lock decides whether to route. */
export async function lockInboundEvent(tx: DbOrTx, id: string): Promise<InboundEventRow | undefined> {
  const [row] = await tx.select().from(inboundEvents).where(eq(inboundEvents.id, id)).for('update');
  return row;
}

export async function markInboundEventDone(tx: DbOrTx, id: string, now: Date): Promise<void> {
  await tx.update(inboundEvents).set({ status: 'done', processedAt: now, lastError: null }).where(eq(inboundEvents.id, id));
}

export async function markInboundEventFailed(db: DbOrTx, id: string, error: string, now: Date): Promise<void> {
  await db.update(inboundEvents).set({ status: 'failed', processedAt: now, lastError: error }).where(eq(inboundEvents.id, id));
}

export async function recordInboundEventAttempt(db: DbOrTx, id: string, error: string): Promise<void> {
  await db
    .update(inboundEvents)
    .set({ attempts: sql`${inboundEvents.attempts} + 1`, lastError: error })
    .where(eq(inboundEvents.id, id));
}

/** Events stored but not yet handled, older than the cutoff: their job may be lost (Redis flushed, worker killed). */
export async function listStaleInboundEvents(db: DbOrTx, receivedBefore: Date, limit: number): Promise<{ id: string }[]> {
  return db
    .select({ id: inboundEvents.id })
    .from(inboundEvents)
    .where(and(eq(inboundEvents.status, 'received'), lt(inboundEvents.receivedAt, receivedBefore)))
    .orderBy(asc(inboundEvents.receivedAt))
    .limit(limit);
}
