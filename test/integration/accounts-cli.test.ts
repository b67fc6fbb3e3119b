// `lead-router accounts sync` against the HubSpot stand-in on real Postgres: the first run loads
// everything (full), the next reads the changes since (incremental), --full reconciles; an
// unconfigured --crm fails with the setting to add; plain progress lines off a terminal.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import type { Env } from '../../src/config/index.js';
import { openDatabase } from '../../src/runtime.js';
import { startHubSpotStandIn, type HubSpotStandIn } from '../support/hubspot-standin.js';
import { createTestDatabase, sqlClient, type TestDatabase } from '../support/services.js';
import { testEnv } from '../support/system.js';

let tdb: TestDatabase;
let hs: HubSpotStandIn;
let env: Env;
let sql: Awaited<ReturnType<typeof sqlClient>>;

beforeAll(async () => {
  tdb = await createTestDatabase();
  hs = await startHubSpotStandIn({
    records: {
      companies: Object.fromEntries(
        Array.from({ length: 120 }, (_, i) => [
          String(500 + i),
          { name: `Co ${i}`, domain: `co${i}.example`, hs_lastmodifieddate: '2026-01-01T00:00:00.000Z' },
        ]),
      ),
    },
  });
  env = testEnv(tdb.url, {
    HUBSPOT_CONFIG: JSON.stringify({
      baseUrl: hs.url,
      auth: { kind: 'private_app', token: 'pat-cli' },
      clientSecret: 'cli-secret-0001',
    }),
  });
  const db = await openDatabase(env);
  await db.migrate();
  await db.close();
  sql = await sqlClient(tdb.url);
});

afterAll(async () => {
  await sql?.end();
  await hs?.close();
  await tdb?.drop();
});

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['accounts', 'sync', ...args], {
    env,
    io: { out: (l) => out.push(l), err: (l) => err.push(l) },
  });
  return { code, out, err };
}

it('loads everything first, then only what changed; --full reconciles', async () => {
  const first = await cli('--crm', 'hubspot');
  expect(first).toMatchObject({
    code: 0,
    out: [
      'hubspot accounts: 120 stored (full), 0 deleted, 2 CRM calls',
      'hubspot contacts: 0 stored (full), 0 deleted, 1 CRM calls',
    ],
  });
  expect(first.err).toContain('hubspot accounts (full): 120 stored, 2 calls, done');

  hs.putRecord('companies', '505', { name: 'Renamed' });
  hs.deleteRecord('companies', '506');
  const second = await cli();
  expect(second.out[0]).toBe('hubspot accounts: 1 stored (incremental), 0 deleted, 1 CRM calls');
  const third = await cli('--full', '--json');
  expect(third.code).toBe(0);
  expect(JSON.parse(third.out[0]!)).toMatchObject([
    {
      crm: 'hubspot',
      objects: [{ object: 'accounts', mode: 'full', loaded: 119, deleted: 1 }, { object: 'contacts' }],
    },
  ]);
  const rows = await sql.rows(
    `select id, name, deleted_at is not null as deleted from crm_accounts where id in ('505', '506') order by id`,
  );
  expect(rows).toEqual([
    { id: '505', name: 'Renamed', deleted: false },
    { id: '506', name: 'Co 6', deleted: true },
  ]);
});

it('an unconfigured CRM fails and names the setting', async () => {
  expect(await cli('--crm', 'salesforce')).toEqual({
    code: 1,
    out: [],
    err: ['salesforce is not configured (SALESFORCE_CONFIG)'],
  });
});
