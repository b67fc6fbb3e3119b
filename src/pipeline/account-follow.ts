// How every process's in-memory account index follows the mirror (docs/accounts.md), whoever
// wrote it (a drain in another worker, a sync page, a reconcile, the CLI):
// - every write that changes what an index holds for an account (its row, its contacts' domain
//   counts, its child count) stamps the account's changed_xid in the same transaction;
// - a follower reads the accounts stamped since its last look and re-reads each from the mirror
//   (record, counts; a deleted one is dropped), so its index ends up as a fresh load would.
// Exact, not by a clock: each look runs in one snapshot and remembers that snapshot's xmin (every
// transaction below it had ended) and the transactions above it it already applied. A transaction
// still running at a look has no visible rows yet and is read next time. A look is one statement
// (readMirrorLook) when no account changed and the people fit a page, the usual case before a
// routing batch; otherwise a repeatable-read transaction pages both tables and re-reads accounts.
// - The people mirror (crm_people: contacts' and leads' email and owner, existingOwner) is followed
//   the same way in the same snapshot: its rows carry the state itself (a tombstone = removed), so
//   a follower applies them without another read. An erasure reaches every index by this path.
// - loadAccountIndex fills an index at start and registers its follower from a horizon taken
//   before the load; followMirror runs it (the interval loop, and before every routing batch).
import type { AccountIndex } from '../accounts/types.js';
import {
  mirrorSnapshotXmin,
  readContactDomainPage,
  readMirrorAccountPage,
  readMirrorChangesAfter,
  readMirrorPeoplePage,
  readPeopleChangesAfter,
  readMirrorLook,
  type Db,
  type DbOrTx,
  type MirrorChange,
  type PersonChange,
} from '../db/index.js';
import type { CrmName } from '../lead/index.js';
import { serialRuns } from './account-serial.js';
import { refreshIndex } from './account-sync.js';
import { applyPeople } from './people-rows.js';

const followPage = 5_000;

export type MirrorFollower = () => Promise<number>;

const followers = new WeakMap<AccountIndex, MirrorFollower>();

/**
 * A follower of the mirror into `index` from `horizon` (a snapshot xmin taken before the index was
 * filled). Each call applies what was committed before it was made; calls while one runs queue
 * one more look after it (shared by every caller that arrives meanwhile). Returns accounts applied.
 */
export function createMirrorFollower(db: Db, index: AccountIndex, horizon: string): MirrorFollower {
  let from = horizon;
  // Transactions at or above `from` already applied (an older one was still running at the last look).
  let done: string[] = [];
  /** Moves the horizon to the look's snapshot: the transactions whose rows it saw are whole. */
  const advance = (xmin: string, seen: Iterable<string>) => {
    const floor = BigInt(xmin);
    done = [...new Set([...done, ...seen])].filter((x) => BigInt(x) >= floor);
    from = xmin;
  };
  const applyAccounts = async (tx: DbOrTx, rows: MirrorChange[]) => {
    for (const crm of [...new Set(rows.map((r) => r.crm))])
      await refreshIndex(
        { db: tx, accounts: index },
        crm,
        rows.filter((r) => r.crm === crm).map((r) => r.id),
      );
  };
  // Every page of one mirror table, applied in order; answers the rows' transactions.
  const pages = async <R extends { xid: string }>(
    read: (after: R | undefined) => Promise<R[]>,
    apply: (rows: R[]) => Promise<void> | void,
  ): Promise<string[]> => {
    const xids: string[] = [];
    for (let after: R | undefined; ;) {
      const rows = await read(after);
      await apply(rows);
      for (const r of rows) xids.push(r.xid);
      after = rows.at(-1);
      if (rows.length < followPage) return xids;
    }
  };
  // The whole look in one repeatable-read snapshot: a page at a time, the accounts re-read in it.
  const paged = () =>
    db.transaction(
      async (tx) => {
        const xmin = await mirrorSnapshotXmin(tx);
        const at = { from, done, limit: followPage };
        const accounts = await pages<MirrorChange>(
          (after) => readMirrorChangesAfter(tx, { ...at, ...(after && { after }) }),
          (rows) => applyAccounts(tx, rows),
        );
        const people = await pages<PersonChange>(
          (after) => readPeopleChangesAfter(tx, { ...at, ...(after && { after }) }),
          (rows) => applyPeople(index, rows),
        );
        advance(xmin, [...accounts, ...people]);
        return accounts.length + people.length;
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    );
  // One statement, one snapshot: enough when no account changed (an account is re-read, which
  // needs the look's snapshot) and the people fit one page, as between syncs they do.
  const look = async () => {
    const quick = await readMirrorLook(db, { from, done, limit: followPage });
    if (quick.accounts.length > 0 || quick.people.length >= followPage) return paged();
    applyPeople(index, quick.people);
    advance(
      quick.xmin,
      quick.people.map((r) => r.xid),
    );
    return quick.people.length;
  };
  return serialRuns(look);
}

/** This index's follower (registered by loadAccountIndex), or a new one from now. */
export async function followerOf(db: Db, index: AccountIndex): Promise<MirrorFollower> {
  let follower = followers.get(index);
  if (!follower) {
    follower = createMirrorFollower(db, index, await mirrorSnapshotXmin(db));
    followers.set(index, follower);
  }
  return follower;
}

/** Brings `index` up to the mirror as committed now (no-op without a registered follower). */
export async function followMirror(index: AccountIndex): Promise<number> {
  return (await followers.get(index)?.()) ?? 0;
}

/**
 * Fills the index from the mirror, `pageSize` accounts at a time, then every CRM's contact domains,
 * then the people mirror's live people, and registers its follower from a horizon taken before the
 * first read (what commits during the load is applied by the follower's first look).
 */
export async function loadAccountIndex(db: Db, index: AccountIndex, pageSize = 5_000): Promise<number> {
  const horizon = await mirrorSnapshotXmin(db);
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
  for (const crm of ['hubspot', 'salesforce'] as const satisfies readonly CrmName[]) {
    let afterAccount: string | undefined;
    for (;;) {
      const { rows, last } = await readContactDomainPage(db, crm, afterAccount, pageSize);
      // A page ends on an account boundary: each account's counts come whole.
      if (rows.length > 0) index.replaceContactDomains(crm, [...new Set(rows.map((r) => r.accountId))], rows);
      if (last === undefined) break;
      afterAccount = last;
    }
  }
  let afterPerson: { crm: string; kind: string; id: string } | undefined;
  for (;;) {
    const page = await readMirrorPeoplePage(db, afterPerson, pageSize);
    applyPeople(index, page);
    const last = page.at(-1);
    if (!last || page.length < pageSize) break;
    afterPerson = last;
  }
  followers.set(index, createMirrorFollower(db, index, horizon));
  return loaded;
}
