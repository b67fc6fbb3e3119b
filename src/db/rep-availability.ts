// A rep's away/back set through the availability API: one current row per rep, and an audit row
// for every change. Routing reads the current rows with its state (lockForRouting) and the pure
// core overlays them on the active config; nothing here knows what a status means.
import { asc, desc, eq, sql } from 'drizzle-orm';
import type { RepStatus } from '../routing/index.js';
import type { Db, DbOrTx } from './client.js';
import { repAvailability, repAvailabilityChanges } from './schema.js';

type Row = typeof repAvailability.$inferSelect;

export interface RepAvailabilityChange {
  id: string;
  repId: string;
  status: RepStatus['status'];
  awayUntil: string | null;
  note: string | null;
  /** The status it replaced (null: none). */
  previous: RepStatus | null;
  changedBy: string;
  changedAt: string;
}

const toStatus = (r: Row): RepStatus => ({
  status: r.status as RepStatus['status'],
  since: r.since.toISOString(),
  ...(r.awayUntil && { until: r.awayUntil.toISOString() }),
  ...(r.note !== null && { note: r.note }),
  by: r.updatedBy,
});

/** A rep_availability row as one jsonb value (a column of a wider statement: routing-state.ts). */
export const repAvailabilityJson = sql`jsonb_build_object('status', status, 'since', since, 'awayUntil', away_until, 'note', note, 'updatedBy', updated_by)`;

/** repAvailabilityJson as it arrives (timestamps as jsonb text). */
export type RepAvailabilityRow = {
  status: string;
  since: string;
  awayUntil: string | null;
  note: string | null;
  updatedBy: string;
};

/** The status a repAvailabilityJson value holds (the same as the row's). */
export const repStatusOf = (r: RepAvailabilityRow): RepStatus =>
  toStatus({
    repId: '',
    status: r.status,
    since: new Date(r.since),
    awayUntil: r.awayUntil === null ? null : new Date(r.awayUntil),
    note: r.note,
    updatedBy: r.updatedBy,
  });

/** Every rep's current status, by rep id (a handful of rows: one per rep who ever set one). */
export async function readRepAvailability(db: DbOrTx): Promise<Record<string, RepStatus>> {
  const out: Record<string, RepStatus> = {};
  for (const r of await db.select().from(repAvailability)) out[r.repId] = toStatus(r);
  return out;
}

export async function getRepAvailability(db: DbOrTx, repId: string): Promise<RepStatus | undefined> {
  const [row] = await db.select().from(repAvailability).where(eq(repAvailability.repId, repId));
  return row && toStatus(row);
}

type NextStatus = { status: RepStatus['status']; since: Date; until?: Date | undefined; note?: string | undefined };
type Applied = { status: RepStatus; change: RepAvailabilityChange };

/** Replaces the rep's status and records the change, in one transaction; returns the new status and the audit row. */
export async function setRepAvailability(db: Db, repId: string, next: NextStatus, by: string): Promise<Applied> {
  return (await setRepAvailabilityIf(db, repId, next, by, () => true))!;
}

/**
 * The same, only when `onlyIf` accepts the status the rep has under the row lock (undefined: none
 * yet); else nothing is written and undefined is returned. The CRM user check marks a rep back this
 * way, only while the away is still its own: a person's mark set a moment before stays.
 */
export async function setRepAvailabilityIf(
  db: Db,
  repId: string,
  next: NextStatus,
  by: string,
  onlyIf: (current: RepStatus | undefined) => boolean,
): Promise<Applied | undefined> {
  return db.transaction(async (tx) => {
    // Row lock: two changes at once are recorded in the order they were applied, each with its true previous.
    const [before] = await tx.select().from(repAvailability).where(eq(repAvailability.repId, repId)).for('update');
    if (!onlyIf(before && toStatus(before))) return undefined;
    const values = {
      repId,
      status: next.status,
      since: next.since,
      awayUntil: next.until ?? null,
      note: next.note ?? null,
      updatedBy: by,
    };
    const [row] = await tx
      .insert(repAvailability)
      .values(values)
      .onConflictDoUpdate({ target: repAvailability.repId, set: values })
      .returning();
    const [change] = await tx
      .insert(repAvailabilityChanges)
      .values({
        repId,
        status: next.status,
        awayUntil: values.awayUntil,
        note: values.note,
        previous: before ? toStatus(before) : null,
        changedBy: by,
        changedAt: next.since,
      })
      .returning();
    return { status: toStatus(row!), change: toChange(change!) };
  });
}

/** The audit trail of one rep, newest first. */
export async function listRepAvailabilityChanges(
  db: DbOrTx,
  repId: string,
  limit = 50,
): Promise<RepAvailabilityChange[]> {
  const rows = await db
    .select()
    .from(repAvailabilityChanges)
    .where(eq(repAvailabilityChanges.repId, repId))
    .orderBy(desc(repAvailabilityChanges.changedAt), asc(repAvailabilityChanges.id))
    .limit(limit);
  return rows.map(toChange);
}

function toChange(r: typeof repAvailabilityChanges.$inferSelect): RepAvailabilityChange {
  return {
    id: r.id,
    repId: r.repId,
    status: r.status as RepStatus['status'],
    awayUntil: r.awayUntil?.toISOString() ?? null,
    note: r.note,
    previous: (r.previous as RepStatus | null) ?? null,
    changedBy: r.changedBy,
    changedAt: r.changedAt.toISOString(),
  };
}
