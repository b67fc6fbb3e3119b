// A publish that changes the lock partitions while workers route (docs/scaling.md): a partition's
// transaction holds the publish lock shared, so the publish waits for it; one started with the
// old version after the publish finds itself stale and decides nothing; and the global lock
// (adoptions, SLA, bulk reroutes) waits for every partition. So two transactions never touch the
// same counters without a common lock, whatever the versions they computed their partitions from.
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  bootstrapConfig,
  insertConfigVersion,
  lockConfigLifecycle,
  lockForRouting,
  openPostgres,
  setActiveConfigVersion,
  type DbHandle,
  type Tx,
} from '../../src/db/index.js';
import { createTestDatabase, sqlClient, type TestDatabase } from '../support/services.js';
import { until } from '../support/until.js';

let tdb: TestDatabase;
let handle: DbHandle;
let sql: Awaited<ReturnType<typeof sqlClient>>;
beforeAll(async () => {
  tdb = await createTestDatabase();
  handle = await openPostgres(tdb.url, { poolSize: 6 });
  await handle.migrate();
  await bootstrapConfig(handle.db, { routing: 'v1' }, 'test', 'v1');
  sql = await sqlClient(tdb.url);
});
afterAll(async () => {
  await sql.end();
  await handle.close();
  await tdb.drop();
});

/** A transaction that takes `keys`' locks and holds them until `release` is called. */
function holding(keys: Parameters<typeof lockForRouting>[1]) {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let locked!: (v: Awaited<ReturnType<typeof lockForRouting>>) => void;
  const lockedP = new Promise<Awaited<ReturnType<typeof lockForRouting>>>((r) => (locked = r));
  const done = handle.db.transaction(async (tx: Tx) => {
    locked(await lockForRouting(tx, keys));
    await released;
  });
  return { locked: lockedP, release, done };
}

/** Backends of this database waiting on a lock right now. */
const waiting = async () =>
  Number(
    (
      await sql.rows<{ n: string }>(
        `select count(*) n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
      )
    )[0]!.n,
  );

const partitionOf = (key: string, version: number) => ({
  eventIds: [],
  pools: [key],
  counters: ['rep:r1:open'],
  partition: { configVersion: version },
});

it('a publish waits for the partitions routing under the old version, and their late transactions find it stale', async () => {
  // v1: two partitions route at once, neither waits for the other.
  const a = holding(partitionOf('$routing/p/a', 1));
  const b = holding(partitionOf('$routing/p/b', 1));
  expect((await a.locked).stale).toBe(false);
  expect((await b.locked).stale).toBe(false);

  // The publish of v2 (which could merge a and b) waits for both...
  let published = false;
  const publish = handle.db
    .transaction(async (tx) => {
      await lockConfigLifecycle(tx);
      const v = await insertConfigVersion(tx, { document: { routing: 'v2' }, author: 't', message: 'v2', diff: [] });
      await setActiveConfigVersion(tx, v.version, { kind: 'publish', by: 't' });
    })
    .then(() => (published = true));
  await until(async () => (await waiting()) === 1, { what: 'the publish waiting for the routing partitions' });
  a.release();
  await a.done;
  expect(published).toBe(false);
  // ...and a new partition transaction waits behind the publish (no way around it once it queued).
  const late = holding(partitionOf('$routing/p/a', 1));
  await until(async () => (await waiting()) === 2, { what: 'a routing transaction queued behind the publish' });
  b.release();
  await b.done;
  await publish;
  // It then holds its locks with v2 active: its v1 partitions are stale, it decides nothing.
  expect((await late.locked).stale).toBe(true);
  late.release();
  await late.done;

  const fresh = holding(partitionOf('$routing/p/a', 2));
  expect((await fresh.locked).stale).toBe(false);
  fresh.release();
  await fresh.done;
});

it('the global lock (adoptions, SLA, bulk reroutes) waits for every partition, and partitions wait for it', async () => {
  const a = holding(partitionOf('$routing/p/a', 2));
  await a.locked;
  const global = holding({ eventIds: [], pools: ['$routing', 'a', 'b'], counters: [] });
  await until(async () => (await waiting()) === 1, { what: 'the global lock waiting for partition a' });
  const b = holding(partitionOf('$routing/p/b', 2));
  await until(async () => (await waiting()) === 2, { what: 'partition b queued behind the global lock' });
  a.release();
  await a.done;
  await global.locked;
  global.release();
  await global.done;
  expect((await b.locked).stale).toBe(false);
  b.release();
  await b.done;
});
