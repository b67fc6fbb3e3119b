// The notification outbox (docs/notifications.md). Rows are written in their event's own
// transaction (writeRoutingBatch's statement for assignments, insertNotifications elsewhere);
// delivery claims one row with a lease, sends, and records the channel's answer. The durable
// retry columns and dead letters are shared with route and write-back (retries.ts, kind 'notify').
import { and, asc, eq, isNull, lt, sql } from 'drizzle-orm';
import { jsonParam, rowsOf, type DbOrTx } from './client.js';
import { name, recordset, type RowOf } from './recordset.js';
import { notifications } from './schema.js';

export type NotificationRow = typeof notifications.$inferSelect;

/** The columns a planned notification fills (the routing batch's statement takes the same, joined to its assignment). */
export const notificationCols = [
  'event',
  'channel',
  'target',
  'repId',
  'dedupeKey',
  'subject',
  'body',
  'payload',
  'nextAttemptAt',
] as const;
const insertCols = [...notificationCols, 'leadId', 'assignmentId', 'slaTimerId'] as const;

/** A planned notification as the store takes it (nextAttemptAt: quiet hours or an SLA warning's time; null: due at once). */
export type NotificationInsert = RowOf<typeof notifications, (typeof notificationCols)[number]>;
/** A notification row for insertNotifications: the plan and what it is about (an slaWarning also its timer). */
export type NotificationInsertRow = RowOf<typeof notifications, (typeof insertCols)[number]>;

// Built once: the statement's text is the same for every call.
const R = recordset(notifications, insertCols);

/** Inserts notification rows (a replanned event's keys insert nothing); answers the new rows' ids and when they are due. */
export async function insertNotifications(tx: DbOrTx, rows: NotificationInsertRow[]): Promise<DueNotification[]> {
  if (rows.length === 0) return [];
  const out = rowsOf<{ id: string; next_attempt_at: string | null }>(
    await tx.execute(sql`
      insert into ${notifications} (${R.columns})
      select ${R.select('x')}
      from jsonb_to_recordset(${jsonParam(rows)}) as x(${R.definition})
      on conflict (${name(notifications.dedupeKey)}) do nothing
      returning ${name(notifications.id)} as id, ${name(notifications.nextAttemptAt)} as next_attempt_at`),
  );
  return out.map(dueOf);
}

/** A stored notification and when it is due (null: now), for its hand-over. */
export interface DueNotification {
  id: string;
  dueAt: Date | null;
}

export const dueOf = (r: { id: string; next_attempt_at: string | Date | null }): DueNotification => ({
  id: r.id,
  dueAt: r.next_attempt_at === null ? null : new Date(r.next_attempt_at),
});

/**
 * Claims one pending, due notification for a send: next_attempt_at moves to `leaseUntil`, so a
 * second job for it (a stalled job handed on, a sweep) finds it not due and sends nothing. A
 * worker that dies mid-send leaves it due at `leaseUntil`, and the next try checks the channel
 * first where it can (Slack) or sends under the same id (webhook-id, Message-ID).
 */
export async function claimNotification(
  db: DbOrTx,
  id: string,
  now: Date,
  leaseUntil: Date,
): Promise<NotificationRow | undefined> {
  const [row] = await db
    .update(notifications)
    .set({ nextAttemptAt: leaseUntil, lastAttemptAt: now })
    .where(
      and(
        eq(notifications.id, id),
        eq(notifications.status, 'pending'),
        sql`(${notifications.nextAttemptAt} is null or ${notifications.nextAttemptAt} <= ${now.toISOString()}::timestamptz)`,
      ),
    )
    .returning();
  return row;
}

/** The channel took it: done, with its answer (Slack ts, Message-ID, HTTP status). */
export async function markNotificationSent(db: DbOrTx, id: string, delivery: unknown, now: Date): Promise<void> {
  await db
    .update(notifications)
    .set({
      status: 'done',
      delivery,
      doneAt: now,
      nextAttemptAt: null,
      lastError: null,
      attempts: sql`${notifications.attempts} + 1`,
    })
    .where(and(eq(notifications.id, id), eq(notifications.status, 'pending')));
}

/** Not sent, on purpose (an SLA warning whose timer ended): `reason` says why. */
export async function markNotificationSkipped(db: DbOrTx, id: string, reason: string, now: Date): Promise<void> {
  await db
    .update(notifications)
    .set({ status: 'skipped', delivery: { skipped: reason }, doneAt: now, nextAttemptAt: null })
    .where(and(eq(notifications.id, id), eq(notifications.status, 'pending')));
}

/** Rows stored but never tried nor scheduled, older than the cutoff: their job may be lost. */
export async function listStaleNotifications(
  db: DbOrTx,
  createdBefore: Date,
  limit: number,
): Promise<{ id: string }[]> {
  return db
    .select({ id: notifications.id })
    .from(notifications)
    .where(
      and(
        eq(notifications.status, 'pending'),
        isNull(notifications.nextAttemptAt),
        lt(notifications.createdAt, createdBefore),
      ),
    )
    .orderBy(asc(notifications.createdAt))
    .limit(limit);
}

/** A lead's notifications, oldest first (the lead views and tests). */
export async function listLeadNotifications(db: DbOrTx, leadId: string): Promise<NotificationRow[]> {
  return db.select().from(notifications).where(eq(notifications.leadId, leadId)).orderBy(asc(notifications.createdAt));
}
