// Keeping the account mirror and the in-memory index current between syncs (docs/accounts.md).
// - recordChanges: a CRM event named accounts (HubSpot company.* webhooks): stored before the ack.
// - drainAccountChanges: a worker re-reads the named accounts from the CRM (background calls) and
//   upserts them, or marks them deleted (a deletion event, or the CRM no longer has the id), then
//   updates this process's index. A failed read leaves the rows for the next drain.
// - followMirror: every process with an index follows the table (rows written since it last
//   looked), so a change drained by another worker, or loaded by the CLI, reaches it too.
// - loadAccountIndex: at start, the index is filled from the mirror page by page (bounded memory).
import type { AccountIndex } from '../accounts/types.js';
import type { AccountChange, ContactChange, CrmConnector, InboundRequest } from '../connector.js';
import {
  clearAccountChanges,
  deleteMirrorContacts,
  failAccountChanges,
  hasUntriedAccountChanges,
  markMirrorAccountsDeleted,
  readAccountChanges,
  readContactDomainsOf,
  readMirrorContactAccounts,
  readContactDomainPage,
  readMirrorAccountPage,
  readMirrorChangesSince,
  readMirrorParentIds,
  recordAccountChanges,
  upsertMirrorAccounts,
  upsertMirrorContacts,
  type Db,
  type PendingAccountChange,
} from '../db/index.js';
import type { CrmName } from '../lead/index.js';
import { toMirrorAccountRow, toMirrorContactRow } from './account-rows.js';
import { accountSourceOf, refreshIndex, type MirrorDeps } from './account-sync.js';

// Contact changes share crm_account_changes with account changes (one drain, one retry path); their
// ids are kept apart by this prefix, since a HubSpot contact and company may have the same number.
const contactPrefix = 'contact:';

export async function recordChanges(
  deps: Pick<MirrorDeps, 'db' | 'now'>,
  crm: CrmName,
  changes: AccountChange[],
  contacts: ContactChange[] = [],
) {
  const rows = [...changes, ...contacts.map((c) => ({ accountId: contactPrefix + c.contactId, kind: c.kind }))];
  await recordAccountChanges(deps.db, crm, rows, deps.now());
}

/** The account and contact changes a verified webhook delivery names, stored (none when the connector mirrors no accounts). */
export async function recordAccountChangesOf(
  deps: Pick<MirrorDeps, 'db' | 'now'>,
  connector: CrmConnector,
  req: InboundRequest,
): Promise<number> {
  const changes = connector.accounts?.parseAccountChanges?.(req) ?? [];
  const contacts = connector.accounts?.parseContactChanges?.(req) ?? [];
  await recordChanges(deps, connector.name, changes, contacts);
  return changes.length + contacts.length;
}

/**
 * Applies up to `limit` pending changes; returns how many were applied. untriedOnly: leave the
 * changes a drain already failed on (the leader's loop retries those, on its own clock).
 */
export async function drainAccountChanges(
  deps: MirrorDeps,
  limit = 500,
  opts: { untriedOnly?: boolean } = {},
): Promise<number> {
  const pending = await readAccountChanges(deps.db, limit, opts);
  let applied = 0;
  for (const crm of [...new Set(pending.map((p) => p.crm))]) {
    const mine = pending.filter((p) => p.crm === crm);
    try {
      await applyChanges(deps, crm, mine);
      await clearAccountChanges(deps.db, mine);
      applied += mine.length;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      deps.logger.warn(
        { crm, accounts: mine.length, err: message },
        'account changes not applied; kept for the next try',
      );
      await failAccountChanges(deps.db, mine, message);
    }
  }
  return applied;
}

const catchingUp = new WeakMap<object, Promise<void>>();

/**
 * Called before a batch is routed: account changes a CRM event named that no drain has tried yet
 * are applied now, in this process (its index updated), so a lead arriving a moment after its
 * account was reassigned in the CRM matches the new owner instead of waiting for the next drain
 * tick. Costs one indexed query when nothing is pending; a change whose CRM read failed is left to
 * the leader's loop, so an outage costs no CRM call per batch. Concurrent batches share one run.
 * Another worker's drain reaches this process's index by following the mirror (one tick).
 */
export async function catchUpAccountChanges(deps: MirrorDeps): Promise<void> {
  if (!deps.accounts || deps.accounts.size === 0) return;
  if (!Object.values(deps.connectors).some((c) => c?.accounts)) return;
  const running = catchingUp.get(deps.db);
  if (running) return running;
  const run = (async () => {
    try {
      if (await hasUntriedAccountChanges(deps.db)) await drainAccountChanges(deps, 500, { untriedOnly: true });
    } catch (err) {
      // Routing goes on with the index as it is; the leader's drain applies the change.
      deps.logger.warn({ err: (err as Error).message }, 'account changes not caught up before routing');
    } finally {
      catchingUp.delete(deps.db);
    }
  })();
  catchingUp.set(deps.db, run);
  return run;
}

async function applyChanges(deps: MirrorDeps, crm: CrmName, pending: PendingAccountChange[]) {
  const isContact = (c: PendingAccountChange) => c.accountId.startsWith(contactPrefix);
  await applyContactChanges(
    deps,
    crm,
    pending.filter(isContact).map((c) => ({ contactId: c.accountId.slice(contactPrefix.length), kind: c.kind })),
  );
  const changes = pending.filter((c) => !isContact(c));
  if (changes.length === 0) return;
  const changed = changes.filter((c) => c.kind === 'changed').map((c) => c.accountId);
  const found = changed.length > 0 ? await accountSourceOf(deps, crm).fetchAccounts(changed) : [];
  const foundIds = new Set(found.map((a) => a.id));
  const gone = [
    ...changes.filter((c) => c.kind === 'deleted').map((c) => c.accountId),
    ...changed.filter((id) => !foundIds.has(id)),
  ];
  const ids = changes.map((c) => c.accountId);
  // Parents before and after: their child counts move with a re-parented account.
  const parents = [
    ...(await readMirrorParentIds(deps.db, crm, ids)),
    ...found.flatMap((a) => (a.parentId ? [a.parentId] : [])),
  ];
  await deps.db.transaction(async (tx) => {
    await upsertMirrorAccounts(tx, crm, found.map(toMirrorAccountRow), deps.now());
    await markMirrorAccountsDeleted(tx, crm, gone, deps.now());
  });
  await refreshIndex(deps, crm, [...ids, ...parents]);
}

/**
 * Contacts a CRM event named: re-read (their email and account now) or dropped, then the domain
 * counts of every account they belonged to before or belong to now are recomputed in the index.
 */
async function applyContactChanges(deps: MirrorDeps, crm: CrmName, changes: ContactChange[]) {
  if (changes.length === 0) return;
  const source = accountSourceOf(deps, crm);
  const ids = changes.map((c) => c.contactId);
  const changed = changes.filter((c) => c.kind === 'changed').map((c) => c.contactId);
  const found = changed.length > 0 && source.fetchAccountContacts ? await source.fetchAccountContacts(changed) : [];
  const rows = found.map(toMirrorContactRow);
  const kept = new Set(rows.map((r) => r.contactId));
  const gone = ids.filter((id) => !kept.has(id));
  const accounts = [
    ...new Set([...(await readMirrorContactAccounts(deps.db, crm, ids)), ...rows.map((r) => r.accountId)]),
  ];
  const before = await readContactDomainsOf(deps.db, crm, accounts);
  await deps.db.transaction(async (tx) => {
    await upsertMirrorContacts(tx, crm, rows, deps.now());
    await deleteMirrorContacts(tx, crm, gone);
  });
  deps.accounts?.changeContactDomains(before, await readContactDomainsOf(deps.db, crm, accounts));
}

/** How far back each look re-reads, for a transaction that committed after a later one (its synced_at is older). */
const followOverlapMs = 5_000;
const followPage = 5_000;

/**
 * Follows the mirror into `index` from `since`: each tick() reads rows written since the last
 * one (re-reading followOverlapMs back) and applies each (account, synced_at) once.
 */
export function createMirrorFollower(db: Db, index: AccountIndex, since: Date) {
  let latest = since;
  // (crm:id) -> synced_at already applied, for rows inside the overlap window.
  const applied = new Map<string, number>();
  return async function tick(): Promise<number> {
    let from = new Date(latest.getTime() - followOverlapMs);
    let count = 0;
    for (;;) {
      const rows = await readMirrorChangesSince(db, from, followPage);
      const fresh = rows.filter((r) => applied.get(`${r.crm}:${r.id}`) !== r.syncedAt.getTime());
      for (const crm of [...new Set(fresh.map((r) => r.crm))]) {
        const mine = fresh.filter((r) => r.crm === crm);
        for (const r of mine) if (r.deleted) index.remove(crm, r.id);
        await refreshIndex(
          { db, accounts: index },
          crm,
          mine.filter((r) => !r.deleted).map((r) => r.id),
        );
      }
      for (const r of fresh) applied.set(`${r.crm}:${r.id}`, r.syncedAt.getTime());
      count += fresh.length;
      const last = rows.at(-1)?.syncedAt;
      if (last && last > latest) latest = last;
      if (rows.length < followPage || !last || last.getTime() === from.getTime()) break;
      from = last;
    }
    const horizon = latest.getTime() - followOverlapMs;
    for (const [k, at] of applied) if (at < horizon) applied.delete(k);
    return count;
  };
}

/** Fills the index from the mirror, `pageSize` accounts at a time, then every CRM's contact domains. */
export async function loadAccountIndex(db: Db, index: AccountIndex, pageSize = 5_000): Promise<number> {
  let after: { crm: string; id: string } | undefined;
  let loaded = 0;
  for (;;) {
    const page = await readMirrorAccountPage(db, { ...(after && { after }), pageSize });
    for (const r of page) index.upsert(r);
    loaded += page.length;
    const last = page.at(-1);
    if (!last || page.length < pageSize) break;
    after = { crm: last.crm, id: last.id };
  }
  for (const crm of ['hubspot', 'salesforce'] as const) {
    let afterAccount: string | undefined;
    for (;;) {
      const { rows, last } = await readContactDomainPage(db, crm, afterAccount, pageSize);
      if (rows.length > 0) index.changeContactDomains([], rows);
      if (last === undefined) break;
      afterAccount = last;
    }
  }
  return loaded;
}
