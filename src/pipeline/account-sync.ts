// Initial load and incremental sync of the account mirror (docs/accounts.md), one CRM at a time:
// accounts first, then their contacts' email domains.
// Contract:
// - Each page's rows and the cursor past it are one transaction, so an interrupted run (a crash,
//   Ctrl-C, retries exhausted) resumes at the page after the last stored one, never skipping one.
// - A full run ends with a reconcile: live rows it did not write (synced before it started) are
//   accounts the CRM no longer has, marked deleted. An incremental run reads changes since the
//   last completed run's start (less a clock-skew margin) and, where the CRM can say, deletions.
// - After each committed page the in-memory index (deps.accounts) gets the rows as the mirror
//   holds them (with the mirror's contact and child counts). Accounts whose counts a page moved
//   without rewriting them (parents, a contact's old and new account) are stamped (changed_xid)
//   in the page's transaction: other processes follow the stamps (account-follow.ts).
// - Contacts also fill the people mirror (email + owner, existingOwner), and a CRM with leads
//   (Salesforce) syncs them as a third object the same way; each page's people are applied to this
//   index after the commit, and other processes follow their changed_xid (account-follow.ts).
// - The connector's reads are background calls: owner writes go first (connector budgets).
import type { AccountIndex } from '../accounts/types.js';
import type { AccountSource } from '../connector.js';
import {
  advanceSyncCursor,
  failSyncRun,
  finishSyncRun,
  getSyncCursor,
  markMirrorAccountsDeleted,
  markUnseenMirrorAccountsDeleted,
  deleteUnseenMirrorContacts,
  readContactDomainsOf,
  readMirrorContactAccounts,
  readMirrorAccountPage,
  readMirrorParentIds,
  resumeSyncRun,
  startSyncRun,
  touchMirrorAccounts,
  upsertMirrorAccounts,
  upsertMirrorContacts,
  upsertMirrorPeople,
  clearMirrorPeople,
  clearUnseenMirrorPeople,
  deleteMirrorContacts,
  type Db,
  type DbOrTx,
  type SyncCursor,
  type SyncObject,
} from '../db/index.js';
import { errors } from '../errors.js';
import type { CrmName } from '../lead/index.js';
import type { Logger } from '../logger.js';
import { toMirrorAccountRow, toMirrorContactRow } from './account-rows.js';
import { applyPeople, contactPerson, leadPerson, removedStates, statesOf } from './people-rows.js';

/** A change the CRM stamped just before our run started, on a clock a little behind ours, is still read next time. */
export const clockSkewMarginMs = 5 * 60_000;

export interface MirrorDeps {
  db: Db;
  connectors: Partial<Record<CrmName, { accounts?: AccountSource }>>;
  logger: Logger;
  now: () => Date;
  accounts?: AccountIndex;
}

export interface SyncProgress {
  crm: CrmName;
  object: SyncObject;
  mode: SyncCursor['mode'];
  /** Rows stored by this run so far (a resumed run counts from its first part). */
  loaded: number;
  calls: number;
  done: boolean;
}

export interface ObjectSyncResult {
  object: SyncObject;
  mode: SyncCursor['mode'];
  resumed: boolean;
  loaded: number;
  calls: number;
  /** Accounts marked deleted (reconcile or the CRM's deleted list); contacts removed. */
  deleted: number;
}

export interface SyncOptions {
  crm: CrmName;
  /** Read everything and reconcile, even when a watermark allows an incremental run. */
  full?: boolean;
  onProgress?: (p: SyncProgress) => void;
  /** Stops between pages (the page in hand is stored first); the run resumes from there next time. */
  signal?: AbortSignal;
}

export function accountSourceOf(deps: Pick<MirrorDeps, 'connectors'>, crm: CrmName): AccountSource {
  const source = deps.connectors[crm]?.accounts;
  if (!source) throw errors.connectorNotConfigured(crm);
  return source;
}

export async function syncAccounts(deps: MirrorDeps, opts: SyncOptions): Promise<ObjectSyncResult[]> {
  const source = accountSourceOf(deps, opts.crm);
  const out: ObjectSyncResult[] = [];
  const objects: SyncObject[] = ['accounts', 'contacts', ...(source.listLeads ? (['leads'] as const) : [])];
  for (const object of objects) out.push(await syncObject(deps, source, object, opts));
  return out;
}

async function syncObject(
  deps: MirrorDeps,
  source: AccountSource,
  object: SyncObject,
  opts: SyncOptions,
): Promise<ObjectSyncResult> {
  const { db, crm } = { db: deps.db, crm: opts.crm };
  const prev = await getSyncCursor(db, crm, object);
  const mode: SyncCursor['mode'] = opts.full || !prev?.watermark ? 'full' : 'incremental';
  const resumed = prev !== undefined && prev.status !== 'done' && prev.mode === mode && prev.cursor !== null;
  if (resumed) await resumeSyncRun(db, crm, object, deps.now());
  else await startSyncRun(db, crm, object, mode, deps.now());
  const run = (await getSyncCursor(db, crm, object))!;
  const since = mode === 'incremental' && prev?.watermark ? Date.parse(prev.watermark) : undefined;
  const read = { cursor: run.cursor, ...(since !== undefined && { since }) };
  const progress = (done: boolean, r: SyncCursor) =>
    opts.onProgress?.({ crm, object, mode, loaded: r.loaded, calls: r.calls, done });
  progress(false, run);
  let deleted = 0;
  try {
    if (object === 'accounts') {
      for await (const page of source.listAccounts(read)) {
        const rows = page.items.map(toMirrorAccountRow);
        const ids = rows.map((r) => r.record.id);
        const parents = await db.transaction(async (tx) => {
          // Parents old and new: their child counts move (stamped for other processes).
          const parents = [
            ...new Set([...(await readMirrorParentIds(tx, crm, ids)), ...rows.flatMap((r) => r.record.parentId ?? [])]),
          ];
          await upsertMirrorAccounts(tx, crm, rows, deps.now());
          await touchMirrorAccounts(tx, crm, parents);
          const modstamp = Math.max(...rows.map((r) => r.modstamp ?? 0), 0) || null;
          await advanceSyncCursor(
            tx,
            crm,
            object,
            { cursor: page.next, loaded: rows.length, calls: page.calls, modstamp },
            deps.now(),
          );
          return parents;
        });
        await refreshIndex(deps, crm, [...ids, ...parents]);
        if (opts.onProgress) progress(false, (await getSyncCursor(db, crm, object))!);
        if (opts.signal?.aborted && page.next !== null) throw interrupted();
      }
      const deletedIds = mode === 'full' ? [] : ((await source.listDeletedAccounts?.(since!)) ?? []);
      const { gone, parents } = await db.transaction(async (tx) => {
        const gone =
          mode === 'full'
            ? await markUnseenMirrorAccountsDeleted(tx, crm, run.startedAt, deps.now())
            : await markMirrorAccountsDeleted(tx, crm, deletedIds, deps.now());
        const parents = await readMirrorParentIds(tx, crm, gone);
        await touchMirrorAccounts(tx, crm, parents);
        return { gone, parents };
      });
      await refreshIndex(deps, crm, [...gone, ...parents]);
      deleted = gone.length;
    } else if (object === 'contacts') {
      for await (const page of source.listAccountContacts(read)) {
        const rows = page.items.filter((c) => c.accountId !== '').map(toMirrorContactRow);
        const unlinked = page.items.filter((c) => c.accountId === '').map((c) => c.contactId);
        const people = page.items.map(contactPerson);
        const accountIds = await db.transaction(async (tx) => {
          // The accounts these contacts belonged to and belong to now: their counts move.
          const accountIds = [
            ...new Set([
              ...rows.map((r) => r.accountId),
              ...(await readMirrorContactAccounts(
                tx,
                crm,
                page.items.map((c) => c.contactId),
              )),
            ]),
          ];
          await upsertMirrorContacts(tx, crm, rows, deps.now());
          await deleteMirrorContacts(tx, crm, unlinked);
          await touchMirrorAccounts(tx, crm, accountIds);
          await upsertMirrorPeople(tx, crm, 'contact', people, deps.now());
          const modstamp = Math.max(...page.items.map((c) => c.modstamp ?? 0), 0) || null;
          await advanceSyncCursor(
            tx,
            crm,
            object,
            { cursor: page.next, loaded: page.items.length, calls: page.calls, modstamp },
            deps.now(),
          );
          return accountIds;
        });
        await refreshIndex(deps, crm, accountIds);
        applyPeople(deps.accounts, statesOf(crm, 'contact', people));
        if (opts.onProgress) progress(false, (await getSyncCursor(db, crm, object))!);
        if (opts.signal?.aborted && page.next !== null) throw interrupted();
      }
      if (mode === 'full') {
        // Reconcile: contacts the run did not see are gone; their accounts' counts fall everywhere.
        const { removed, accountIds, people } = await db.transaction(async (tx) => {
          const unseen = await deleteUnseenMirrorContacts(tx, crm, run.startedAt);
          await touchMirrorAccounts(tx, crm, unseen.accountIds);
          const people = await clearUnseenMirrorPeople(tx, crm, 'contact', run.startedAt, deps.now());
          return { ...unseen, people };
        });
        await refreshIndex(deps, crm, accountIds);
        applyPeople(deps.accounts, removedStates(crm, 'contact', people));
        deleted = removed;
      }
    } else {
      const listLeads = source.listLeads!.bind(source);
      for await (const page of listLeads(read)) {
        const people = page.items.map(leadPerson);
        await db.transaction(async (tx) => {
          await upsertMirrorPeople(tx, crm, 'lead', people, deps.now());
          const modstamp = Math.max(...page.items.map((c) => c.modstamp ?? 0), 0) || null;
          await advanceSyncCursor(
            tx,
            crm,
            object,
            { cursor: page.next, loaded: people.length, calls: page.calls, modstamp },
            deps.now(),
          );
        });
        applyPeople(deps.accounts, statesOf(crm, 'lead', people));
        if (opts.onProgress) progress(false, (await getSyncCursor(db, crm, object))!);
        if (opts.signal?.aborted && page.next !== null) throw interrupted();
      }
      const deletedIds = mode === 'full' ? [] : ((await source.listDeletedLeads?.(since!)) ?? []);
      const gone = await db.transaction(async (tx) =>
        mode === 'full'
          ? await clearUnseenMirrorPeople(tx, crm, 'lead', run.startedAt, deps.now())
          : await clearMirrorPeople(tx, crm, 'lead', deletedIds, deps.now()),
      );
      applyPeople(deps.accounts, removedStates(crm, 'lead', gone));
      deleted = gone.length;
    }
    await finishSyncRun(db, crm, object, new Date(run.startedAt.getTime() - clockSkewMarginMs), deps.now());
  } catch (err) {
    await failSyncRun(db, crm, object, err instanceof Error ? err.message : String(err), deps.now());
    throw err;
  }
  const done = (await getSyncCursor(db, crm, object))!;
  progress(true, done);
  deps.logger.info(
    { crm, object, mode, resumed, loaded: done.loaded, calls: done.calls, deleted },
    'account mirror synced',
  );
  return { object, mode, resumed, loaded: done.loaded, calls: done.calls, deleted };
}

function interrupted(): Error {
  return new Error('interrupted: the next run resumes after the last stored page');
}

/**
 * The index gets these accounts as the mirror holds them now: the record (contact and child counts
 * included) and its contacts' domain counts; gone ones are dropped, counts and all. What a fresh
 * load would hold for them. `db` may be a transaction (a follower's snapshot).
 */
export async function refreshIndex(
  deps: { db: DbOrTx; accounts?: AccountIndex | undefined },
  crm: CrmName,
  ids: readonly string[],
) {
  const index = deps.accounts;
  if (!index || ids.length === 0) return;
  const unique = [...new Set(ids)];
  const records = await readMirrorAccountPage(deps.db, { crm, ids: unique, pageSize: unique.length });
  const live = new Set(records.map((r) => r.id));
  for (const r of records) index.upsert(r);
  for (const id of unique) if (!live.has(id)) index.remove(crm, id);
  index.replaceContactDomains(crm, unique, await readContactDomainsOf(deps.db, crm, unique));
}
