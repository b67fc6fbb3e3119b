// A follower's look (account-follow.ts) before a routing batch: one statement when no account
// changed and the people fit a page, no transaction; an account change still goes through the
// repeatable-read look that re-reads it. What the index holds is what a fresh load would hold.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAccountIndex } from '../../src/accounts/index.js';
import {
  mirrorSnapshotXmin,
  openPostgres,
  upsertMirrorAccounts,
  upsertMirrorPeople,
  type Db,
  type DbHandle,
} from '../../src/db/index.js';
import { createMirrorFollower } from '../../src/pipeline/index.js';
import { aCrmAccount } from '../builders/accounts.js';
import { createTestDatabase, type TestDatabase } from '../support/services.js';

let tdb: TestDatabase;
let handle: DbHandle;

beforeAll(async () => {
  tdb = await createTestDatabase();
  handle = await openPostgres(tdb.url, { poolSize: 2 });
  await handle.migrate();
});

afterAll(async () => {
  await handle?.close();
  await tdb?.drop();
});

it('follows people in one statement and accounts in a repeatable-read look', async () => {
  const index = createAccountIndex();
  let transactions = 0;
  // The follower's handle, counting the transactions it opens.
  const counted = new Proxy(handle.db, {
    get(target, prop, receiver) {
      if (prop === 'transaction') transactions++;
      return Reflect.get(target, prop, receiver) as unknown;
    },
  }) as Db;
  const follow = createMirrorFollower(counted, index, await mirrorSnapshotXmin(handle.db));
  const now = new Date();

  expect(await follow()).toBe(0);
  expect(transactions).toBe(0);

  await upsertMirrorPeople(
    handle.db,
    'hubspot',
    'contact',
    [{ id: 'c1', email: 'Ann@Acme.example', ownerCrmId: 'o7' }],
    now,
  );
  expect(await follow()).toBe(1);
  expect(index.findPeople!('ann@acme.example')).toMatchObject([
    { crm: 'hubspot', kind: 'contact', id: 'c1', ownerCrmId: 'o7' },
  ]);
  expect(transactions).toBe(0);
  expect(await follow()).toBe(0); // applied once

  await upsertMirrorAccounts(
    handle.db,
    'hubspot',
    [
      {
        record: aCrmAccount({ crm: 'hubspot', id: 'a1', name: 'Acme', websites: ['acme.example'], ownerCrmId: 'o9' }),
        domains: ['acme.example'],
        nameNormalized: 'acme',
        modstamp: null,
      },
    ],
    now,
  );
  expect(index.size).toBe(0);
  expect(await follow()).toBe(1);
  expect(index.size).toBe(1);
  expect(transactions).toBe(1);
  expect(await follow()).toBe(0);
  expect(transactions).toBe(1);
});
