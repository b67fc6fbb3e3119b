// The people mirror's rows (docs/accounts.md "Existing records"): CRM contacts and leads with their
// normalized email and owner, for the rule action existingOwner. A person gone from the CRM or
// erased keeps a tombstone (email and owner null, no personal data) stamped with changed_xid, so
// every process's index drops it (account-follow.ts). Writes are idempotent upserts by CRM id.
import { sql } from 'drizzle-orm';
import type { PersonRecord } from '../accounts/types.js';
import type { CrmName } from '../lead/index.js';
import { jsonParam, rowsOf, type DbOrTx } from './client.js';

export type PersonKind = PersonRecord['kind'];

/** A person as the CRM answered: email null = no usable email (stored as a tombstone). */
export interface MirrorPersonRow {
  id: string;
  email: string | null;
  ownerCrmId: string | null;
}

/** A row's state for an index: email null = remove. */
export interface PersonChange {
  crm: CrmName;
  kind: PersonKind;
  id: string;
  email: string | null;
  ownerCrmId: string | null;
  xid: string;
}

export const normalizedEmail = (email: string | null): string | null => {
  const e = email?.trim().toLowerCase();
  return e && e.includes('@') ? e : null;
};

const ids = (list: readonly string[]) => sql`array(select jsonb_array_elements_text(${jsonParam([...new Set(list)])}))`;

/** Stores a page of people (one statement, one jsonb parameter); returns them as an index applies them. */
export async function upsertMirrorPeople(
  db: DbOrTx,
  crm: CrmName,
  kind: PersonKind,
  rows: readonly MirrorPersonRow[],
  now: Date,
): Promise<void> {
  if (rows.length === 0) return;
  const unique = [...new Map(rows.map((r) => [r.id, r])).values()];
  const page = unique.map((r) => ({
    id: r.id,
    email: normalizedEmail(r.email),
    owner_crm_id: normalizedEmail(r.email) === null ? null : r.ownerCrmId,
  }));
  // A row is stamped only when what an index holds for it changed (a re-read of the same person
  // costs every follower nothing); synced_at moves always (the full sync's reconcile reads it).
  await db.execute(sql`
    insert into crm_people (crm, kind, id, email, owner_crm_id, synced_at)
    select ${crm}, ${kind}, x.id, x.email, x.owner_crm_id, ${now.toISOString()}::timestamptz
    from jsonb_to_recordset(${jsonParam(page)}) as x(id text, email text, owner_crm_id text)
    on conflict (crm, kind, id) do update set
      email = excluded.email, owner_crm_id = excluded.owner_crm_id, synced_at = excluded.synced_at,
      changed_xid = case
        when crm_people.email is not distinct from excluded.email
          and crm_people.owner_crm_id is not distinct from excluded.owner_crm_id then crm_people.changed_xid
        else pg_current_xact_id() end`);
}

/** These people are gone from the CRM: their rows lose email and owner (tombstones the indexes follow). */
export async function clearMirrorPeople(
  db: DbOrTx,
  crm: CrmName,
  kind: PersonKind,
  personIds: readonly string[],
  now: Date,
): Promise<string[]> {
  if (personIds.length === 0) return [];
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`
      update crm_people set email = null, owner_crm_id = null, synced_at = ${now.toISOString()}::timestamptz,
        changed_xid = pg_current_xact_id()
      where crm = ${crm} and kind = ${kind} and id = any(${ids(personIds)}) and email is not null
      returning id`),
  );
  return rows.map((r) => r.id);
}

/** Reconcile after a complete full sync of one kind: live people it did not write are gone from the CRM. Returns their ids. */
export async function clearUnseenMirrorPeople(
  db: DbOrTx,
  crm: CrmName,
  kind: PersonKind,
  syncStartedAt: Date,
  now: Date,
): Promise<string[]> {
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`
      update crm_people set email = null, owner_crm_id = null, synced_at = ${now.toISOString()}::timestamptz,
        changed_xid = pg_current_xact_id()
      where crm = ${crm} and kind = ${kind} and email is not null and synced_at < ${syncStartedAt.toISOString()}::timestamptz
      returning id`),
  );
  return rows.map((r) => r.id);
}

/** Live people in (crm, kind, id) order after `after`, `pageSize` at a time (the index's load at start). */
export async function readMirrorPeoplePage(
  db: DbOrTx,
  after: { crm: string; kind: string; id: string } | undefined,
  pageSize: number,
): Promise<PersonRecord[]> {
  const from = after ? sql`and (crm, kind, id) > (${after.crm}, ${after.kind}, ${after.id})` : sql``;
  const rows = rowsOf<{ crm: CrmName; kind: PersonKind; id: string; email: string; owner_crm_id: string | null }>(
    await db.execute(sql`
      select crm, kind, id, email, owner_crm_id from crm_people
      where email is not null ${from}
      order by crm, kind, id limit ${pageSize}`),
  );
  return rows.map((r) => ({ crm: r.crm, kind: r.kind, id: r.id, email: r.email, ownerCrmId: r.owner_crm_id }));
}

/**
 * People stamped by a transaction at or after `from`, except those in `done`, in (changed_xid, crm,
 * kind, id) order after `after`: what a follower applies (the row's state now, tombstones included).
 */
export async function readPeopleChangesAfter(
  db: DbOrTx,
  opts: { from: string; done: readonly string[]; after?: PersonChange; limit: number },
): Promise<PersonChange[]> {
  return rowsOf<PersonChange>(await db.execute(peopleChangesSql(opts)));
}

/** readPeopleChangesAfter's SELECT (PersonChange's fields), also a subquery of readMirrorLook (mirror-look.ts). */
export function peopleChangesSql(opts: { from: string; done: readonly string[]; after?: PersonChange; limit: number }) {
  const after = opts.after
    ? sql`and (changed_xid, crm, kind, id) > (${opts.after.xid}::xid8, ${opts.after.crm}, ${opts.after.kind}, ${opts.after.id})`
    : sql``;
  return sql`
      select crm, kind, id, email, owner_crm_id as "ownerCrmId", changed_xid::text as xid from crm_people
      where changed_xid >= ${opts.from}::xid8
        and changed_xid <> all(array(select jsonb_array_elements_text(${jsonParam(opts.done)})::xid8))
        ${after}
      order by changed_xid, crm, kind, id
      limit ${opts.limit}`;
}

/** Erasure: every mirrored person with this (normalized) email becomes a tombstone; returns how many. */
export async function erasePeopleByEmail(db: DbOrTx, email: string, now: Date): Promise<number> {
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`
      update crm_people set email = null, owner_crm_id = null, synced_at = ${now.toISOString()}::timestamptz,
        changed_xid = pg_current_xact_id()
      where email = ${email} returning id`),
  );
  return rows.length;
}

/** Retention: tombstones (no personal data) older than `cutoff` are deleted, `limit` at a time. */
export async function purgePeopleTombstones(db: DbOrTx, cutoff: Date, limit: number): Promise<number> {
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`
      delete from crm_people where ctid = any(array(
        select ctid from crm_people where email is null and synced_at < ${cutoff.toISOString()}::timestamptz
        limit ${limit} for update skip locked))
      returning id`),
  );
  return rows.length;
}

/** Live mirrored people per CRM and kind (the admin API's sync status). */
export async function countMirrorPeople(db: DbOrTx): Promise<Array<{ crm: string; kind: PersonKind; live: number }>> {
  const rows = rowsOf<{ crm: string; kind: PersonKind; live: number | string }>(
    await db.execute(sql`
      select crm, kind, count(*) as live from crm_people where email is not null group by crm, kind order by crm, kind`),
  );
  return rows.map((r) => ({ crm: r.crm, kind: r.kind, live: Number(r.live) }));
}
