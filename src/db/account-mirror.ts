// The account mirror's rows (docs/accounts.md): CRM accounts, their contacts' email domains, and
// what the in-memory index loads from them. Writes are idempotent upserts keyed by the CRM's ids,
// so a resumed or repeated sync page rewrites the same rows. Reads for the index are keyset-paged
// (bounded memory at a million accounts, on node-postgres and PGlite alike).
import { and, eq, inArray, isNull, lt, lte, sql } from 'drizzle-orm';
import type { AccountRecord, ContactDomainCount } from '../accounts/types.js';
import type { CrmName } from '../lead/index.js';
import { jsonParam, rowsOf, type DbOrTx } from './client.js';
import { crmAccountChanges, crmAccountContacts, crmAccounts } from './schema.js';

/** An account as stored: the record plus the columns derived for SQL (domains, normalized name). */
export interface MirrorAccountRow {
  record: AccountRecord;
  domains: string[];
  nameNormalized: string | null;
  modstamp: number | null;
}

export interface MirrorContactRow {
  contactId: string;
  accountId: string;
  emailDomain: string | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

// A page is written as ONE statement over ONE jsonb parameter (jsonb_to_recordset), not a
// multi-row VALUES list: building a 2,000-row, 38,000-parameter insert cost the query builder
// more CPU than Postgres spent storing it, and a million-account load is 500 such pages.
export async function upsertMirrorAccounts(
  db: DbOrTx,
  crm: CrmName,
  rows: readonly MirrorAccountRow[],
  now: Date,
): Promise<void> {
  if (rows.length === 0) return;
  // One row per id (the last wins): Postgres refuses an ON CONFLICT that touches one row twice in a statement.
  const unique = [...new Map(rows.map((r) => [r.record.id, r])).values()];
  const page = unique.map(({ record: r, domains, nameNormalized, modstamp }) => ({
    id: r.id,
    name: r.name,
    name_normalized: nameNormalized,
    websites: r.websites,
    domains,
    owner_crm_id: r.ownerCrmId,
    parent_id: r.parentId,
    record_type: r.recordType,
    last_activity_at: iso(r.lastActivityAt),
    crm_created_at: iso(r.createdAt),
    contacts: r.contacts,
    opportunities: r.opportunities,
    children: r.children,
    fields: r.fields,
    modstamp: iso(modstamp),
  }));
  await db.execute(sql`
    insert into crm_accounts (crm, id, name, name_normalized, websites, domains, owner_crm_id, parent_id,
      record_type, last_activity_at, crm_created_at, contacts, opportunities, children, fields, modstamp,
      deleted_at, synced_at)
    select ${crm}, x.id, x.name, x.name_normalized, x.websites, array(select jsonb_array_elements_text(x.domains)),
      x.owner_crm_id, x.parent_id, x.record_type, x.last_activity_at, x.crm_created_at, x.contacts,
      x.opportunities, x.children, x.fields, x.modstamp, null, ${now.toISOString()}::timestamptz
    from jsonb_to_recordset(${jsonParam(page)}) as x(id text, name text, name_normalized text, websites jsonb,
      domains jsonb, owner_crm_id text, parent_id text, record_type text, last_activity_at timestamptz,
      crm_created_at timestamptz, contacts integer, opportunities integer, children integer, fields jsonb,
      modstamp timestamptz)
    on conflict (crm, id) do update set
      name = excluded.name, name_normalized = excluded.name_normalized, websites = excluded.websites,
      domains = excluded.domains, owner_crm_id = excluded.owner_crm_id, parent_id = excluded.parent_id,
      record_type = excluded.record_type, last_activity_at = excluded.last_activity_at,
      crm_created_at = excluded.crm_created_at, contacts = excluded.contacts,
      opportunities = excluded.opportunities, children = excluded.children, fields = excluded.fields,
      modstamp = excluded.modstamp, deleted_at = null, synced_at = excluded.synced_at,
      changed_xid = pg_current_xact_id()`);
}

/** Marks these accounts deleted; returns the ids that were live (the index drops those). */
export async function markMirrorAccountsDeleted(
  db: DbOrTx,
  crm: CrmName,
  ids: readonly string[],
  now: Date,
): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .update(crmAccounts)
    .set({ deletedAt: now, syncedAt: now, changedXid: sql`pg_current_xact_id()` })
    .where(and(eq(crmAccounts.crm, crm), inArray(crmAccounts.id, [...ids]), isNull(crmAccounts.deletedAt)))
    .returning({ id: crmAccounts.id });
  return rows.map((r) => r.id);
}

/**
 * Reconcile after a complete full sync: live rows the sync did not write (synced before it
 * started) are accounts the CRM no longer has. Returns their ids.
 */
export async function markUnseenMirrorAccountsDeleted(
  db: DbOrTx,
  crm: CrmName,
  syncStartedAt: Date,
  now: Date,
): Promise<string[]> {
  const rows = await db
    .update(crmAccounts)
    .set({ deletedAt: now, syncedAt: now, changedXid: sql`pg_current_xact_id()` })
    .where(and(eq(crmAccounts.crm, crm), isNull(crmAccounts.deletedAt), lt(crmAccounts.syncedAt, syncStartedAt)))
    .returning({ id: crmAccounts.id });
  return rows.map((r) => r.id);
}

export async function upsertMirrorContacts(
  db: DbOrTx,
  crm: CrmName,
  rows: readonly MirrorContactRow[],
  now: Date,
): Promise<void> {
  if (rows.length === 0) return;
  const unique = [...new Map(rows.map((r) => [r.contactId, r])).values()];
  const page = unique.map((r) => ({ contact_id: r.contactId, account_id: r.accountId, email_domain: r.emailDomain }));
  await db.execute(sql`
    insert into crm_account_contacts (crm, contact_id, account_id, email_domain, synced_at)
    select ${crm}, x.contact_id, x.account_id, x.email_domain, ${now.toISOString()}::timestamptz
    from jsonb_to_recordset(${jsonParam(page)}) as x(contact_id text, account_id text, email_domain text)
    on conflict (crm, contact_id) do update set
      account_id = excluded.account_id, email_domain = excluded.email_domain, synced_at = excluded.synced_at`);
}

/** The accounts these contacts belong to in the mirror now (their counts move with a contact change). */
export async function readMirrorContactAccounts(
  db: DbOrTx,
  crm: CrmName,
  contactIds: readonly string[],
): Promise<string[]> {
  if (contactIds.length === 0) return [];
  const rows = await db
    .selectDistinct({ accountId: crmAccountContacts.accountId })
    .from(crmAccountContacts)
    .where(and(eq(crmAccountContacts.crm, crm), inArray(crmAccountContacts.contactId, [...contactIds])));
  return rows.map((r) => r.accountId);
}

/** These contacts are gone from the CRM, or belong to no account any more. */
export async function deleteMirrorContacts(db: DbOrTx, crm: CrmName, contactIds: readonly string[]): Promise<void> {
  if (contactIds.length === 0) return;
  await db
    .delete(crmAccountContacts)
    .where(and(eq(crmAccountContacts.crm, crm), inArray(crmAccountContacts.contactId, [...contactIds])));
}

/**
 * Contacts a complete full contact sync did not see (gone from the CRM, or from every account).
 * Returns how many, and the accounts they belonged to (their domain counts fall).
 */
export async function deleteUnseenMirrorContacts(
  db: DbOrTx,
  crm: CrmName,
  syncStartedAt: Date,
): Promise<{ removed: number; accountIds: string[] }> {
  const rows = await db
    .delete(crmAccountContacts)
    .where(and(eq(crmAccountContacts.crm, crm), lt(crmAccountContacts.syncedAt, syncStartedAt)))
    .returning({ accountId: crmAccountContacts.accountId });
  return { removed: rows.length, accountIds: [...new Set(rows.map((r) => r.accountId))] };
}

/**
 * Stamps these accounts as changed by this transaction (changed_xid) without rewriting them: their
 * contacts' domain counts or their child count moved. Every process's index follows the stamp
 * (src/pipeline/account-follow.ts) and re-reads them. Ids the mirror has no row for are skipped
 * (an index holds counts only for mirrored accounts).
 */
export async function touchMirrorAccounts(db: DbOrTx, crm: CrmName, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.execute(sql`
    update crm_accounts set changed_xid = pg_current_xact_id()
    where crm = ${crm} and id = any(array(select jsonb_array_elements_text(${jsonParam([...new Set(ids)])})))`);
}

interface AccountSqlRow {
  crm: string;
  id: string;
  name: string | null;
  websites: string[];
  owner_crm_id: string | null;
  parent_id: string | null;
  record_type: string | null;
  last_activity_at: string | Date | null;
  crm_created_at: string | Date | null;
  contacts: number | string;
  opportunities: number;
  children: number | string;
  fields: Record<string, unknown>;
  team: Array<{ role: string; userCrmId: string }> | null;
}

/**
 * Live accounts as index records, `pageSize` at a time in (crm, id) order, after `after`.
 * Contacts and children are the CRM's count or the mirror's own (contact rows, child accounts),
 * whichever is higher: Salesforce keeps neither count on Account. The team comes from the
 * mirrored AccountTeamMember rows, by role then member id (the first of a role is the one routed to).
 */
export async function readMirrorAccountPage(
  db: DbOrTx,
  opts: { crm?: CrmName; after?: { crm: string; id: string }; ids?: readonly string[]; pageSize: number },
): Promise<AccountRecord[]> {
  const conditions = [sql`a.deleted_at is null`];
  if (opts.crm) conditions.push(sql`a.crm = ${opts.crm}`);
  if (opts.after) conditions.push(sql`(a.crm, a.id) > (${opts.after.crm}, ${opts.after.id})`);
  if (opts.ids) conditions.push(sql`a.id in (select jsonb_array_elements_text(${jsonParam(opts.ids)}))`);
  const result = await db.execute(sql`
    select a.crm, a.id, a.name, a.websites, a.owner_crm_id, a.parent_id, a.record_type, a.last_activity_at,
      a.crm_created_at, a.opportunities, a.fields,
      greatest(coalesce(a.contacts, 0),
        (select count(*) from crm_account_contacts c where c.crm = a.crm and c.account_id = a.id)) as contacts,
      greatest(coalesce(a.children, 0),
        (select count(*) from crm_accounts k where k.crm = a.crm and k.parent_id = a.id and k.deleted_at is null)) as children,
      (select jsonb_agg(jsonb_build_object('role', t.role, 'userCrmId', t.user_crm_id) order by t.role, t.member_id)
        from crm_account_team_members t where t.crm = a.crm and t.account_id = a.id) as team
    from crm_accounts a
    where ${sql.join(conditions, sql` and `)}
    order by a.crm, a.id
    limit ${opts.pageSize}`);
  return rowsOf<AccountSqlRow>(result).map(toRecord);
}

function toRecord(r: AccountSqlRow): AccountRecord {
  const ms = (v: string | Date | null) => (v === null ? null : new Date(v).getTime());
  return {
    crm: r.crm as CrmName,
    id: r.id,
    name: r.name,
    websites: r.websites,
    ownerCrmId: r.owner_crm_id,
    parentId: r.parent_id,
    recordType: r.record_type,
    lastActivityAt: ms(r.last_activity_at),
    createdAt: ms(r.crm_created_at),
    contacts: Number(r.contacts),
    opportunities: Number(r.opportunities),
    children: Number(r.children),
    fields: r.fields,
    // Most accounts have no team: no empty array per account in a million-account index.
    ...(r.team && r.team.length > 0 && { team: r.team }),
  };
}

/**
 * Contact-domain counts of accounts after `afterAccount` (in account order), about `pageSize`
 * contacts' worth at a time: the page ends on an account boundary, so each account's counts
 * come whole. Returns the counts and the last account id covered (undefined = done).
 */
export async function readContactDomainPage(
  db: DbOrTx,
  crm: CrmName,
  afterAccount: string | undefined,
  pageSize: number,
): Promise<{ rows: ContactDomainCount[]; last: string | undefined }> {
  const after = afterAccount ?? '';
  const [boundary] = rowsOf<{ account_id: string }>(
    await db.execute(sql`
      select account_id from crm_account_contacts
      where crm = ${crm} and account_id > ${after}
      order by account_id offset ${pageSize} limit 1`),
  );
  const upTo = boundary ? sql`and account_id <= ${boundary.account_id}` : sql``;
  const rows = rowsOf<{ account_id: string; email_domain: string; n: number | string }>(
    await db.execute(sql`
      select c.account_id, c.email_domain, count(*) as n from crm_account_contacts c
      where c.crm = ${crm} and c.account_id > ${after} ${upTo} and c.email_domain is not null
        and exists (select 1 from crm_accounts a where a.crm = c.crm and a.id = c.account_id and a.deleted_at is null)
      group by c.account_id, c.email_domain
      order by c.account_id`),
  );
  return {
    rows: rows.map((r) => ({ crm, accountId: r.account_id, domain: r.email_domain, contacts: Number(r.n) })),
    last: boundary?.account_id,
  };
}

/**
 * Every contact-domain count of these accounts, for those that are live in the mirror: what an
 * index holds for them (loadAccountIndex reads the same), so a refresh gives the counts a fresh
 * load would.
 */
export async function readContactDomainsOf(
  db: DbOrTx,
  crm: CrmName,
  accountIds: readonly string[],
): Promise<ContactDomainCount[]> {
  if (accountIds.length === 0) return [];
  const rows = rowsOf<{ account_id: string; email_domain: string; n: number | string }>(
    await db.execute(sql`
      select c.account_id, c.email_domain, count(*) as n from crm_account_contacts c
      where c.crm = ${crm} and c.account_id in (select jsonb_array_elements_text(${jsonParam(accountIds)}))
        and c.email_domain is not null
        and exists (select 1 from crm_accounts a where a.crm = c.crm and a.id = c.account_id and a.deleted_at is null)
      group by c.account_id, c.email_domain`),
  );
  return rows.map((r) => ({ crm, accountId: r.account_id, domain: r.email_domain, contacts: Number(r.n) }));
}

/** Live and deleted account counts per CRM (the admin API's sync status). */
export async function countMirrorAccounts(db: DbOrTx): Promise<Array<{ crm: string; live: number; deleted: number }>> {
  const rows = rowsOf<{ crm: string; live: number | string; deleted: number | string }>(
    await db.execute(sql`
      select crm, count(*) filter (where deleted_at is null) as live, count(*) filter (where deleted_at is not null) as deleted
      from crm_accounts group by crm order by crm`),
  );
  return rows.map((r) => ({ crm: r.crm, live: Number(r.live), deleted: Number(r.deleted) }));
}

/** The parent ids of these accounts as the mirror holds them now (their child counts move with a change). */
export async function readMirrorParentIds(db: DbOrTx, crm: CrmName, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  // One array parameter, not one per id (a sync page asks for 2,000).
  const rows = rowsOf<{ parent_id: string }>(
    await db.execute(sql`
      select distinct parent_id from crm_accounts
      where crm = ${crm} and id = any(array(select jsonb_array_elements_text(${jsonParam(ids)})))
        and parent_id is not null`),
  );
  return rows.map((r) => r.parent_id);
}

/** Accounts a CRM event named, stored before the ack; one row per account (the latest kind wins). */
export async function recordAccountChanges(
  db: DbOrTx,
  crm: CrmName,
  changes: ReadonlyArray<{ accountId: string; kind: 'changed' | 'deleted' }>,
  now: Date,
): Promise<void> {
  if (changes.length === 0) return;
  const unique = [...new Map(changes.map((c) => [c.accountId, c])).values()];
  await db
    .insert(crmAccountChanges)
    .values(unique.map((c) => ({ crm, accountId: c.accountId, kind: c.kind, receivedAt: now })))
    .onConflictDoUpdate({
      target: [crmAccountChanges.crm, crmAccountChanges.accountId],
      set: { kind: sql`excluded.kind`, receivedAt: sql`excluded.received_at` },
    });
}

export interface PendingAccountChange {
  crm: CrmName;
  accountId: string;
  kind: 'changed' | 'deleted';
  receivedAt: Date;
}

/** Whether a change is pending that no drain has tried yet (one that failed is left to the leader's loop). */
export async function hasUntriedAccountChanges(db: DbOrTx): Promise<boolean> {
  const rows = await db
    .select({ one: sql<number>`1` })
    .from(crmAccountChanges)
    .where(eq(crmAccountChanges.attempts, 0))
    .limit(1);
  return rows.length > 0;
}

/** The oldest pending changes (at most `limit`); untriedOnly: none that a drain already failed on. */
export async function readAccountChanges(
  db: DbOrTx,
  limit: number,
  opts: { untriedOnly?: boolean } = {},
): Promise<PendingAccountChange[]> {
  const rows = await db
    .select({
      crm: crmAccountChanges.crm,
      accountId: crmAccountChanges.accountId,
      kind: crmAccountChanges.kind,
      receivedAt: crmAccountChanges.receivedAt,
    })
    .from(crmAccountChanges)
    .where(opts.untriedOnly ? eq(crmAccountChanges.attempts, 0) : undefined)
    .orderBy(crmAccountChanges.receivedAt)
    .limit(limit);
  return rows as PendingAccountChange[];
}

/** Applied: gone, unless the account was named again after we read it (received later). */
export async function clearAccountChanges(db: DbOrTx, applied: readonly PendingAccountChange[]): Promise<void> {
  for (const c of applied) {
    await db
      .delete(crmAccountChanges)
      .where(
        and(
          eq(crmAccountChanges.crm, c.crm),
          eq(crmAccountChanges.accountId, c.accountId),
          lte(crmAccountChanges.receivedAt, c.receivedAt),
        ),
      );
  }
}

export async function failAccountChanges(
  db: DbOrTx,
  failed: readonly PendingAccountChange[],
  error: string,
): Promise<void> {
  for (const c of failed) {
    await db
      .update(crmAccountChanges)
      .set({ attempts: sql`${crmAccountChanges.attempts} + 1`, lastError: error.slice(0, 2000) })
      .where(and(eq(crmAccountChanges.crm, c.crm), eq(crmAccountChanges.accountId, c.accountId)));
  }
}

/**
 * The oldest transaction still running when this statement's snapshot was taken (as text): every
 * transaction below it has ended, so no row stamped below it (changed_xid) can appear later.
 */
export async function mirrorSnapshotXmin(db: DbOrTx): Promise<string> {
  const [row] = rowsOf<{ xmin: string }>(
    await db.execute(sql`select pg_snapshot_xmin(pg_current_snapshot())::text as xmin`),
  );
  return row!.xmin;
}

export interface MirrorChange {
  crm: CrmName;
  id: string;
  /** The stamping transaction (changed_xid, as text). */
  xid: string;
}

/**
 * Accounts stamped by a transaction at or after `from`, except the transactions in `done` (already
 * applied), in (changed_xid, crm, id) order after `after`: how a process that did not make a change
 * (another worker, the CLI's sync) brings its in-memory index up to date.
 */
export async function readMirrorChangesAfter(
  db: DbOrTx,
  opts: { from: string; done: readonly string[]; after?: MirrorChange; limit: number },
): Promise<MirrorChange[]> {
  return rowsOf<MirrorChange>(await db.execute(mirrorChangesSql(opts)));
}

/** readMirrorChangesAfter's SELECT (crm, id, xid), also a subquery of readMirrorLook (mirror-look.ts). */
export function mirrorChangesSql(opts: { from: string; done: readonly string[]; after?: MirrorChange; limit: number }) {
  const after = opts.after
    ? sql`and (changed_xid, crm, id) > (${opts.after.xid}::xid8, ${opts.after.crm}, ${opts.after.id})`
    : sql``;
  return sql`
      select crm, id, changed_xid::text as xid from crm_accounts
      where changed_xid >= ${opts.from}::xid8
        and changed_xid <> all(array(select jsonb_array_elements_text(${jsonParam(opts.done)})::xid8))
        ${after}
      order by changed_xid, crm, id
      limit ${opts.limit}`;
}
