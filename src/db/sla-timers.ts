// Durable SLA timers. A row is armed in the routing transaction (one per assignment); it ends
// claimed, cancelled or breached exactly once: whoever changes it first holds the row lock and
// sees 'pending', everyone after sees the new status and does nothing.
import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { DbOrTx } from './client.js';
import { slaTimers } from './schema.js';

export type SlaTimerRow = typeof slaTimers.$inferSelect;
export type NewSlaTimer = typeof slaTimers.$inferInsert;

/** Arms timers; a second arm for the same assignment is a no-op. Returns the new rows. */
export async function insertSlaTimers(tx: DbOrTx, rows: NewSlaTimer[]): Promise<SlaTimerRow[]> {
  if (rows.length === 0) return [];
  return tx.insert(slaTimers).values(rows).onConflictDoNothing({ target: slaTimers.assignmentId }).returning();
}

/** Ends the pending timers of these leads (a new owner, a claim); returns the rows ended. */
export async function closePendingSlaTimers(
  tx: DbOrTx,
  leadIds: string[],
  end: { status: 'cancelled' | 'claimed'; reason: string; at: Date; exceptAssignmentIds?: string[] },
): Promise<SlaTimerRow[]> {
  if (leadIds.length === 0) return [];
  const keep = end.exceptAssignmentIds ?? [];
  return tx
    .update(slaTimers)
    .set({ status: end.status, closedReason: end.reason, closedAt: end.at })
    .where(
      and(
        inArray(slaTimers.leadId, leadIds),
        eq(slaTimers.status, 'pending'),
        keep.length
          ? sql`${slaTimers.assignmentId} not in (${sql.join(
              keep.map((k) => sql`${k}::uuid`),
              sql`, `,
            )})`
          : undefined,
      ),
    )
    .returning();
}

export async function getSlaTimer(db: DbOrTx, id: string): Promise<SlaTimerRow | undefined> {
  const [row] = await db.select().from(slaTimers).where(eq(slaTimers.id, id));
  return row;
}

/** Locks the timer row; the caller acts only when it is still pending. */
export async function lockSlaTimer(tx: DbOrTx, id: string): Promise<SlaTimerRow | undefined> {
  const [row] = await tx.select().from(slaTimers).where(eq(slaTimers.id, id)).for('update');
  return row;
}

export async function closeSlaTimer(
  tx: DbOrTx,
  id: string,
  patch: {
    status: 'breached' | 'cancelled' | 'claimed';
    reason: string;
    at: Date;
    breachAction?: string;
    nextRepId?: string | null;
  },
): Promise<void> {
  await tx
    .update(slaTimers)
    .set({
      status: patch.status,
      closedReason: patch.reason,
      closedAt: patch.at,
      breachAction: patch.breachAction ?? null,
      nextRepId: patch.nextRepId ?? null,
    })
    .where(eq(slaTimers.id, id));
}

/** Pending timers past due, oldest first: the sweeper fires them, whatever happened to their delayed job. */
export async function listDueSlaTimers(
  db: DbOrTx,
  dueBy: Date,
  limit: number,
): Promise<Array<{ id: string; reassignments: number }>> {
  return db
    .select({ id: slaTimers.id, reassignments: slaTimers.reassignments })
    .from(slaTimers)
    .where(and(eq(slaTimers.status, 'pending'), lte(slaTimers.dueAt, dueBy)))
    .orderBy(asc(slaTimers.dueAt))
    .limit(limit);
}

/** Reps whose SLA already ran out on this lead: a reassignment never hands it back to them. */
export async function listBreachedRepIds(db: DbOrTx, leadId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ repId: slaTimers.repId })
    .from(slaTimers)
    .where(and(eq(slaTimers.leadId, leadId), eq(slaTimers.status, 'breached')));
  return rows.map((r) => r.repId);
}

export async function listPendingSlaTimers(db: DbOrTx, leadIds: string[]): Promise<SlaTimerRow[]> {
  if (leadIds.length === 0) return [];
  return db
    .select()
    .from(slaTimers)
    .where(and(inArray(slaTimers.leadId, leadIds), eq(slaTimers.status, 'pending')));
}

export async function listLeadSlaTimers(db: DbOrTx, leadId: string): Promise<SlaTimerRow[]> {
  return db.select().from(slaTimers).where(eq(slaTimers.leadId, leadId)).orderBy(slaTimers.createdAt);
}
