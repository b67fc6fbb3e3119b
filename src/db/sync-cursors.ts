// Where each CRM object's sync stands (crm_sync_cursors): the cursor after the last stored page,
// so an interrupted load resumes there instead of starting over, and the watermark the next
// incremental sync starts from. The page's rows and the cursor move are one transaction with it
// (the caller's), so the cursor never runs ahead of the rows.
import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from './client.js';
import { crmSyncCursors } from './schema.js';

export type SyncObject = 'accounts' | 'contacts' | 'team' | 'leads';

export interface SyncCursor {
  crm: string;
  object: SyncObject;
  mode: 'full' | 'incremental';
  status: 'running' | 'done' | 'failed';
  cursor: string | null;
  watermark: string | null;
  runWatermark: string | null;
  loaded: number;
  calls: number;
  lastError: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  updatedAt: Date;
}

const where = (crm: string, object: SyncObject) => and(eq(crmSyncCursors.crm, crm), eq(crmSyncCursors.object, object));

export async function getSyncCursor(db: DbOrTx, crm: string, object: SyncObject): Promise<SyncCursor | undefined> {
  const [row] = await db.select().from(crmSyncCursors).where(where(crm, object));
  return row as SyncCursor | undefined;
}

export async function listSyncCursors(db: DbOrTx): Promise<SyncCursor[]> {
  return (await db.select().from(crmSyncCursors).orderBy(crmSyncCursors.crm, crmSyncCursors.object)) as SyncCursor[];
}

/** A new run from the start (the watermark of the last completed run is kept). */
export async function startSyncRun(
  db: DbOrTx,
  crm: string,
  object: SyncObject,
  mode: SyncCursor['mode'],
  now: Date,
): Promise<void> {
  const fresh = {
    mode,
    status: 'running',
    cursor: null,
    runWatermark: null,
    loaded: 0,
    calls: 0,
    lastError: null,
    startedAt: now,
    finishedAt: null,
    updatedAt: now,
  };
  await db
    .insert(crmSyncCursors)
    .values({ crm, object, ...fresh })
    .onConflictDoUpdate({ target: [crmSyncCursors.crm, crmSyncCursors.object], set: fresh });
}

/** A run resumes (after an interruption or a failure): running again from its cursor. */
export async function resumeSyncRun(db: DbOrTx, crm: string, object: SyncObject, now: Date): Promise<void> {
  await db.update(crmSyncCursors).set({ status: 'running', lastError: null, updatedAt: now }).where(where(crm, object));
}

/** One page stored: the cursor moves past it (in the page's transaction). */
export async function advanceSyncCursor(
  db: DbOrTx,
  crm: string,
  object: SyncObject,
  page: { cursor: string | null; loaded: number; calls: number; modstamp: number | null },
  now: Date,
): Promise<void> {
  const stamp = page.modstamp === null ? null : new Date(page.modstamp).toISOString();
  await db
    .update(crmSyncCursors)
    .set({
      cursor: page.cursor,
      loaded: sql`${crmSyncCursors.loaded} + ${page.loaded}`,
      calls: sql`${crmSyncCursors.calls} + ${page.calls}`,
      // ISO 8601 strings in UTC sort as their instants.
      runWatermark:
        stamp === null ? sql`${crmSyncCursors.runWatermark}` : sql`greatest(${crmSyncCursors.runWatermark}, ${stamp})`,
      updatedAt: now,
    })
    .where(where(crm, object));
}

/**
 * The run read its last page: done, and the next incremental run starts from `watermark` (the
 * caller passes the run's start less a clock-skew margin: a record changed while the run paged
 * past it has a later stamp, so it is read again next time, never missed). run_watermark keeps
 * the highest stamp the run saw, for the status page.
 */
export async function finishSyncRun(
  db: DbOrTx,
  crm: string,
  object: SyncObject,
  watermark: Date,
  now: Date,
  /** Done, but the CRM could not give this object (e.g. Account Teams off): why, shown as lastError. */
  unavailable?: string,
): Promise<void> {
  await db
    .update(crmSyncCursors)
    .set({
      status: 'done',
      cursor: null,
      watermark: watermark.toISOString(),
      lastError: unavailable === undefined ? null : unavailable.slice(0, 2000),
      finishedAt: now,
      updatedAt: now,
    })
    .where(where(crm, object));
}

export async function failSyncRun(
  db: DbOrTx,
  crm: string,
  object: SyncObject,
  error: string,
  now: Date,
): Promise<void> {
  await db
    .update(crmSyncCursors)
    .set({ status: 'failed', lastError: error.slice(0, 2000), updatedAt: now })
    .where(where(crm, object));
}
