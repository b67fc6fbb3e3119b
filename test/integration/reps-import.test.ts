// `lead-router reps import` against both stand-ins: one person with a HubSpot owner and a
// Salesforce user (same email) becomes one rep with both ids; config reps get their missing CRM
// ids; a rep whose Salesforce user is deactivated is marked away without a publish; the result
// is a draft, the active config untouched.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import type { Env } from '../../src/config/index.js';
import { ensureConfig, openDatabase } from '../../src/runtime.js';
import { startHubSpotStandIn, type HubSpotStandIn } from '../support/hubspot-standin.js';
import { startSalesforceStandin, type SalesforceStandin } from '../support/salesforce-standin.js';
import { createTestDatabase, sqlClient, type TestDatabase } from '../support/services.js';
import { crmUserConnectorsEnv, crmUserSalesforceToken } from '../support/crm-user-connectors.js';
import { testEnv } from '../support/system.js';
import { testLogger } from '../support/test-logs.js';

let tdb: TestDatabase;
let hs: HubSpotStandIn;
let sf: SalesforceStandin;
let env: Env;
let sql: Awaited<ReturnType<typeof sqlClient>>;

beforeAll(async () => {
  tdb = await createTestDatabase();
  hs = await startHubSpotStandIn({
    owners: [
      { id: '101', email: 'ana@example.com', firstName: 'Ana', lastName: 'Lopez' },
      { id: '104', email: 'dee@example.com', firstName: 'Dee', lastName: 'Park' },
    ],
  });
  sf = await startSalesforceStandin({
    accessToken: crmUserSalesforceToken,
    records: {
      User: [
        { Id: '0055g00000AnaAAAA1', Name: 'Ana Lopez', Email: 'Ana@Example.com', IsActive: true, UserType: 'Standard' },
        { Id: '0055g00000BoCAAAA2', Name: 'Bo Chen', Email: 'bo@example.com', IsActive: false, UserType: 'Standard' },
      ],
      Group: [{ Id: '00G5g000001WxYzEAK', Name: 'Queue', Type: 'Queue' }],
    },
  });
  env = testEnv(tdb.url, {
    CONFIG_FILE: 'fixtures/config/hubspot-e2e.yaml',
    ...crmUserConnectorsEnv(hs.url, sf.url),
  });
  const db = await openDatabase(env);
  await db.migrate();
  await ensureConfig(db, env, testLogger());
  await db.close();
  sql = await sqlClient(tdb.url);
});

afterAll(async () => {
  await sql?.end();
  await hs?.close();
  await sf?.close();
  await tdb?.drop();
});

it('proposes one rep per person across CRMs as a draft and marks a deactivated user away', async () => {
  const out: string[] = [];
  const code = await runCli(['reps', 'import'], { env, io: { out: (l) => out.push(l), err: (l) => out.push(l) } });
  expect(code).toBe(0);
  expect(out.slice(0, 3)).toEqual([
    'update ana <ana@example.com> hubspot:101 salesforce:0055g00000AnaAAAA1',
    'update bo <bo@example.com> salesforce:0055g00000BoCAAAA2 (deactivated)',
    'new    dee <dee@example.com> hubspot:104',
  ]);
  expect(out.at(-1)).toBe('marked away: bo');
  const [draft] = await sql.rows<{ document: { routing: { reps: Array<{ id: string; crmIds: object }> } } }>(
    `select document from config_drafts`,
  );
  expect(draft!.document.routing.reps.map((r) => [r.id, r.crmIds])).toEqual([
    ['ana', { hubspot: '101', salesforce: '0055g00000AnaAAAA1' }],
    ['bo', { hubspot: '102', salesforce: '0055g00000BoCAAAA2' }],
    ['cy', { hubspot: '103' }],
    ['dee', { hubspot: '104' }],
  ]);
  const away = await sql.rows(`select rep_id, status, note from rep_availability`);
  expect(away).toEqual([{ rep_id: 'bo', status: 'away', note: 'CRM user deactivated (salesforce)' }]);
  const [versions] = await sql.rows(`select count(*)::int as n from config_versions`);
  expect(versions).toEqual({ n: 1 }); // nothing published
});
