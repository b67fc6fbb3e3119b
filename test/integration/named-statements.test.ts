// executeNamed (src/db/client.ts): a hot-path statement is parsed and planned once per connection,
// then run by name; another text gets another name, so two never collide on one connection.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { executeNamed } from '../../src/db/client.js';
import { openPostgres, type DbHandle } from '../../src/db/index.js';
import { createTestDatabase, type TestDatabase } from '../support/services.js';

let tdb: TestDatabase;
let handle: DbHandle;

beforeAll(async () => {
  tdb = await createTestDatabase();
  handle = await openPostgres(tdb.url, { poolSize: 1 });
});

afterAll(async () => {
  await handle?.close();
  await tdb?.drop();
});

const rows = (r: unknown) => (r as { rows: unknown[] }).rows;
const prepared = async () =>
  rows(
    await handle.db.execute(
      sql`select name, statement from pg_prepared_statements where name like 'lr\_%' order by statement`,
    ),
  ) as Array<{ name: string; statement: string }>;

it('prepares a statement once per connection and runs it again by name with new values', async () => {
  const double = (n: number) => sql`select ${n}::int * 2 as v`;
  const triple = (n: number) => sql`select ${n}::int * 3 as v`;
  expect(rows(await executeNamed(handle.db, double(2)))).toEqual([{ v: 4 }]);
  expect(rows(await executeNamed(handle.db, double(5)))).toEqual([{ v: 10 }]);
  expect(rows(await executeNamed(handle.db, triple(5)))).toEqual([{ v: 15 }]);
  const names = await prepared();
  expect(names.map((p) => p.statement)).toEqual(['select $1::int * 2 as v', 'select $1::int * 3 as v']);
  expect(new Set(names.map((p) => p.name)).size).toBe(2);
  // Inside a transaction it runs on the transaction's connection (the pool's only one here).
  const inTx = await handle.db.transaction(async (tx) => rows(await executeNamed(tx, double(7))));
  expect(inTx).toEqual([{ v: 14 }]);
  expect(await prepared()).toHaveLength(2);
});
