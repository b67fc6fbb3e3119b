// Initial load and incremental sync of the account mirror (docs/accounts.md), one CRM at a time:
// accounts first, then their contacts' email domains, then (where the CRM has them: Salesforce)
// account team members. An org that cannot list teams (Account Teams off) is logged with the
// CRM's reason and holds no teams; the rest of the sync goes on.
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
import type { AccountSource, SyncReadOptions } from '../connector.js';
import {
  advanceSyncCursor,
  failSyncRun,
  finishSyncRun,
  getSyncCursor,
  markMirrorAccountsDeleted,
  markUnseenMirrorAccountsDeleted,
  deleteUnseenMirrorContacts,
  deleteUnseenMirrorTeamMembers,
  readMirrorTeamAccounts,
  upsertMirrorTeamMembers,
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
  /** Accounts marked deleted (reconcile or the CRM's deleted list); contacts or team members removed. */
  deleted: number;
  /** Team members only: why the CRM could not list them (the org has no account teams). */
  unavailable?: string;
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
  const objects: SyncObject[] = [
    'accounts',
    'contacts',
    ...(source.listAccountTeamMembers ? (['team'] as const) : []),
    ...(source.listLeads ? (['leads'] as const) : []),
  ];
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
  let unavailable: string | undefined;
  const pages: PageRun = { deps, crm, object, opts, progress };
  try {
    if (object === 'team') {
      ({ deleted, unavailable } = await syncTeamPages(pages, source, read, mode, run.startedAt));
    } else if (object === 'accounts') {
      for await (const page of source.listAccounts(read)) {
        const rows = page.items.map(toMirrorAccountRow);
        const ids = rows.map((r) => r.record.id);
        const modstamp = pageModstamp(rows);
        await storePage(pages, page, modstamp, async (tx) => {
          // Parents old and new: their child counts move (stamped for other processes).
          const parents = [
            ...new Set([...(await readMirrorParentIds(tx, crm, ids)), ...rows.flatMap((r) => r.record.parentId ?? [])]),
          ];
          await upsertMirrorAccounts(tx, crm, rows, deps.now());
          await touchMirrorAccounts(tx, crm, parents);
          return [...ids, ...parents];
        });
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
        const modstamp = pageModstamp(page.items);
        await storePage(
          pages,
          page,
          modstamp,
          async (tx) => {
            // The accounts these contacts belonged to and belong to now: their counts move.
            const was = await readMirrorContactAccounts(
              tx,
              crm,
              page.items.map((c) => c.contactId),
            );
            await upsertMirrorContacts(tx, crm, rows, deps.now());
            await deleteMirrorContacts(tx, crm, unlinked);
            await upsertMirrorPeople(tx, crm, 'contact', people, deps.now());
            return touchMoved(tx, crm, rows, was);
          },
          () => applyPeople(deps.accounts, statesOf(crm, 'contact', people)),
        );
      }
      if (mode === 'full') {
        // Reconcile: contacts the run did not see are gone; their accounts' counts fall everywhere.
        let gone: string[] = [];
        deleted = await removeUnseen(deps, crm, async (tx) => {
          const unseen = await deleteUnseenMirrorContacts(tx, crm, run.startedAt);
          gone = await clearUnseenMirrorPeople(tx, crm, 'contact', run.startedAt, deps.now());
          return unseen;
        });
        applyPeople(deps.accounts, removedStates(crm, 'contact', gone));
      }
    } else {
      for await (const page of source.listLeads!(read)) {
        const people = page.items.map(leadPerson);
        const modstamp = pageModstamp(page.items);
        await storePage(
          pages,
          page,
          modstamp,
          async (tx) => {
            await upsertMirrorPeople(tx, crm, 'lead', people, deps.now());
            return [];
          },
          () => applyPeople(deps.accounts, statesOf(crm, 'lead', people)),
        );
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
    await finishSyncRun(
      db,
      crm,
      object,
      new Date(run.startedAt.getTime() - clockSkewMarginMs),
      deps.now(),
      unavailable,
    );
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
  return {
    object,
    mode,
    resumed,
    loaded: done.loaded,
    calls: done.calls,
    deleted,
    ...(unavailable && { unavailable }),
  };
}

/** The latest SystemModstamp / lastmodifieddate on a page (null: none), the next incremental sync's watermark. */
const pageModstamp = (items: ReadonlyArray<{ modstamp?: number | null | undefined }>) =>
  Math.max(...items.map((r) => r.modstamp ?? 0), 0) || null;

/** What storePage needs of the run: where to store, and whom to tell. */
interface PageRun {
  deps: MirrorDeps;
  crm: CrmName;
  object: SyncObject;
  opts: SyncOptions;
  progress: (done: boolean, r: SyncCursor) => void;
}

/**
 * One page stored: `write` stores its rows, stamps the accounts whose index entries move and
 * returns them; the cursor moves past the page in the same transaction. Then this process's index
 * gets those accounts (and `stored` runs: the people on the page), and the run stops here if it was asked to (the page in hand is stored).
 */
async function storePage(
  run: PageRun,
  page: { items: readonly unknown[]; next: string | null; calls: number },
  modstamp: number | null,
  write: (tx: DbOrTx) => Promise<string[]>,
  stored?: () => void,
): Promise<void> {
  const { deps, crm, object, opts } = run;
  const moved = await deps.db.transaction(async (tx) => {
    const moved = await write(tx);
    const cursor = { cursor: page.next, loaded: page.items.length, calls: page.calls, modstamp };
    await advanceSyncCursor(tx, crm, object, cursor, deps.now());
    return moved;
  });
  await refreshIndex(deps, crm, moved);
  stored?.();
  if (opts.onProgress) run.progress(false, (await getSyncCursor(deps.db, crm, object))!);
  if (opts.signal?.aborted && page.next !== null) throw interrupted();
}

/** Rows that belong to an account (contacts, team members): the accounts they were and are in move; stamped. */
async function touchMoved(
  tx: DbOrTx,
  crm: CrmName,
  rows: ReadonlyArray<{ accountId: string }>,
  was: readonly string[],
): Promise<string[]> {
  const accountIds = [...new Set([...rows.map((r) => r.accountId), ...was])];
  await touchMirrorAccounts(tx, crm, accountIds);
  return accountIds;
}

/** A reconcile's removal (rows the full run did not see) and the stamps of their accounts: one transaction. */
async function removeUnseen(
  deps: MirrorDeps,
  crm: CrmName,
  remove: (tx: DbOrTx) => Promise<{ removed: number; accountIds: string[] }>,
): Promise<number> {
  const { removed, accountIds } = await deps.db.transaction(async (tx) => {
    const unseen = await remove(tx);
    await touchMirrorAccounts(tx, crm, unseen.accountIds);
    return unseen;
  });
  await refreshIndex(deps, crm, accountIds);
  return removed;
}

/**
 * Team members page by page. A full run, or a CRM that says it has no teams, ends with a
 * reconcile: members not seen are gone (the CRM hard-deletes them; no incremental read sees that).
 */
async function syncTeamPages(
  run: PageRun,
  source: AccountSource,
  read: SyncReadOptions,
  mode: SyncCursor['mode'],
  startedAt: Date,
): Promise<{ deleted: number; unavailable?: string }> {
  const { deps, crm } = run;
  let unavailable: string | undefined;
  for await (const page of source.listAccountTeamMembers!(read)) {
    if (page.unavailable !== undefined) {
      unavailable = page.unavailable;
      deps.logger.warn(
        { crm, reason: unavailable },
        'account teams are not mirrored: the CRM cannot list AccountTeamMember (turn on Account Teams); accountTeam routes take their fallback',
      );
    }
    const rows = page.items.map(({ modstamp: _, ...row }) => row);
    const modstamp = pageModstamp(page.items);
    await storePage(run, page, modstamp, async (tx) => {
      const was = await readMirrorTeamAccounts(
        tx,
        crm,
        rows.map((r) => r.memberId),
      );
      await upsertMirrorTeamMembers(tx, crm, rows, deps.now());
      return touchMoved(tx, crm, rows, was);
    });
  }
  if (mode !== 'full' && unavailable === undefined) return { deleted: 0 };
  const deleted = await removeUnseen(deps, crm, (tx) => deleteUnseenMirrorTeamMembers(tx, crm, startedAt));
  return { deleted, ...(unavailable !== undefined && { unavailable }) };
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
