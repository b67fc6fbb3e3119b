// Keeping the account mirror and the in-memory index current between syncs (docs/accounts.md).
// - recordChanges: a CRM event named accounts (HubSpot company.* webhooks): stored before the ack.
// - drainAccountChanges: a worker re-reads the named accounts from the CRM (background calls) and
//   upserts them, or marks them deleted (a deletion event, or the CRM no longer has the id), then
//   updates this process's index. A failed read leaves the rows for the next drain.
// - Every write stamps the accounts whose index view it changed (changed_xid, in the same
//   transaction): other processes' indexes follow the stamps (account-follow.ts).
import type { AccountChange, ContactChange, CrmConnector, InboundRequest } from '../connector.js';
import {
  clearAccountChanges,
  deleteMirrorContacts,
  failAccountChanges,
  hasUntriedAccountChanges,
  markMirrorAccountsDeleted,
  readAccountChanges,
  readMirrorContactAccounts,
  readMirrorParentIds,
  recordAccountChanges,
  touchMirrorAccounts,
  upsertMirrorAccounts,
  upsertMirrorContacts,
  upsertMirrorPeople,
  clearMirrorPeople,
  type PendingAccountChange,
} from '../db/index.js';
import type { CrmName } from '../lead/index.js';
import { followMirror } from './account-follow.js';
import { serialRuns } from './account-serial.js';
import { toMirrorAccountRow, toMirrorContactRow } from './account-rows.js';
import { applyPeople, contactPerson, removedStates, statesOf } from './people-rows.js';
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

// One drain of untried changes at a time per database handle (serialRuns: a caller gets a run that starts after it asked).
const catchingUp = new WeakMap<object, () => Promise<void>>();

/**
 * Called before a batch is routed: account changes a CRM event named that no drain has tried yet
 * are applied now, in this process (its index updated), so a lead arriving a moment after its
 * account was reassigned in the CRM matches the new owner instead of waiting for the next drain
 * tick. Costs one indexed query when nothing is pending; a change whose CRM read failed is left to
 * the leader's loop, so an outage costs no CRM call per batch. A catch-up asked while one runs gets
 * the next run (a change recorded meanwhile is not left behind); callers waiting together share it.
 * Then the index follows the mirror (account-follow.ts): what another worker drained or synced,
 * contact counts included, is in this index before the batch matches (one snapshot, one indexed
 * query when nothing changed).
 */
export async function catchUpAccountChanges(deps: MirrorDeps): Promise<void> {
  if (!deps.accounts) return;
  if (!Object.values(deps.connectors).some((c) => c?.accounts)) return;
  if (deps.accounts.size > 0) await drainUntried(deps);
  try {
    await followMirror(deps.accounts);
  } catch (err) {
    deps.logger.warn({ err: (err as Error).message }, 'account index did not follow the mirror before routing');
  }
}

function drainUntried(deps: MirrorDeps): Promise<void> {
  let run = catchingUp.get(deps.db);
  if (!run) {
    run = serialRuns(async () => {
      try {
        if (await hasUntriedAccountChanges(deps.db)) await drainAccountChanges(deps, 500, { untriedOnly: true });
      } catch (err) {
        // Routing goes on with the index as it is; the leader's drain applies the change.
        deps.logger.warn({ err: (err as Error).message }, 'account changes not caught up before routing');
      }
    });
    catchingUp.set(deps.db, run);
  }
  return run();
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
  const parents = await deps.db.transaction(async (tx) => {
    // Parents before and after: their child counts move with a re-parented or deleted account.
    const parents = [
      ...(await readMirrorParentIds(tx, crm, ids)),
      ...found.flatMap((a) => (a.parentId ? [a.parentId] : [])),
    ];
    await upsertMirrorAccounts(tx, crm, found.map(toMirrorAccountRow), deps.now());
    await markMirrorAccountsDeleted(tx, crm, gone, deps.now());
    await touchMirrorAccounts(tx, crm, parents);
    return parents;
  });
  await refreshIndex(deps, crm, [...ids, ...parents]);
}

/**
 * Contacts a CRM event named: re-read (their email, owner and account now) or dropped; every account
 * they belonged to before or belong to now is stamped in the same transaction, and its counts (and
 * contact count) re-read into this index; the people mirror takes their email and owner (a contact
 * gone becomes a tombstone). Other indexes follow the stamps.
 */
async function applyContactChanges(deps: MirrorDeps, crm: CrmName, changes: ContactChange[]) {
  if (changes.length === 0) return;
  const source = accountSourceOf(deps, crm);
  const ids = changes.map((c) => c.contactId);
  const changed = changes.filter((c) => c.kind === 'changed').map((c) => c.contactId);
  const found = changed.length > 0 && source.fetchAccountContacts ? await source.fetchAccountContacts(changed) : [];
  const rows = found.filter((c) => c.accountId !== '').map(toMirrorContactRow);
  const people = found.map(contactPerson);
  const linked = new Set(rows.map((r) => r.contactId));
  const seen = new Set(found.map((c) => c.contactId));
  const gone = ids.filter((id) => !seen.has(id));
  const { accounts, cleared } = await deps.db.transaction(async (tx) => {
    const accounts = [
      ...new Set([...(await readMirrorContactAccounts(tx, crm, ids)), ...rows.map((r) => r.accountId)]),
    ];
    await upsertMirrorContacts(tx, crm, rows, deps.now());
    await deleteMirrorContacts(
      tx,
      crm,
      ids.filter((id) => !linked.has(id)),
    );
    await touchMirrorAccounts(tx, crm, accounts);
    await upsertMirrorPeople(tx, crm, 'contact', people, deps.now());
    const cleared = await clearMirrorPeople(tx, crm, 'contact', gone, deps.now());
    return { accounts, cleared };
  });
  await refreshIndex(deps, crm, accounts);
  applyPeople(deps.accounts, [...statesOf(crm, 'contact', people), ...removedStates(crm, 'contact', cleared)]);
}
