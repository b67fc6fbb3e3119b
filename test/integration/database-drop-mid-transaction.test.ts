// Postgres going away while a transaction holds a connection between two statements (the routing
// transaction deciding in JS) fails that transaction; it must not kill the process with an
// unhandled 'error' event on the checked-out client (seen in chaos postgres-restart: a worker
// died, and the owner writes it had sent went out again from the other worker).
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPostgres, type DbHandle } from '../../src/db/index.js';
import { startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres.js';

const port = Number(process.env.PRIVATE_PG_PORT_DROP ?? 27534);
let pgServer: PrivatePostgres;
let handle: DbHandle;

beforeAll(async () => {
  pgServer = await startPrivatePostgres({ port, dir: join(tmpdir(), `lead-router-drop-pg-${port}`) });
  handle = await openPostgres(pgServer.url, { poolSize: 2 });
}, 120_000);

afterAll(async () => {
  await handle?.close().catch(() => {});
  await pgServer?.destroy();
});

it('fails the transaction, not the process, when the server stops between two statements', async () => {
  const outcome = handle.db.transaction(async (tx) => {
    await tx.execute(sql`select 1`);
    await pgServer.stop(); // the server terminates this session while no query is running on it
    await tx.execute(sql`select 2`);
  });
  await expect(outcome).rejects.toThrow();
  await pgServer.start();
  const rows = await handle.db.execute(sql`select 3 as n`);
  expect(JSON.stringify(rows)).toContain('3');
});
