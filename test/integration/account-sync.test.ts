// The account mirror's sync against the strict stand-ins, on real Postgres, without a running
// service: Salesforce's initial load through queryMore, an interruption and the resume from the
// stored cursor (no page read twice, none skipped), polling by SystemModstamp with deletions from
// the recycle bin, the mirror's own contact and child counts; and HubSpot's changes read by id
// past search's 10,000-result cap.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mirrorConnectors } from '../support/mirror-connectors.js';
import { openPostgres, readMirrorAccountPage, type DbHandle } from '../../src/db/index.js';
import { syncAccounts, type MirrorDeps } from '../../src/pipeline/index.js';
import { startHubSpotStandIn, type HubSpotStandIn } from '../support/hubspot-standin.js';
import { salesforceFaults, startSalesforceStandin, type SalesforceStandin } from '../support/salesforce-standin.js';
import { createTestDatabase, sqlClient, type TestDatabase } from '../support/services.js';
import { testLogger } from '../support/test-logs.js';

const sfId = (n: number) => `001${String(n).padStart(12, '0')}AAA`;
const ANA = '0055g00000AnaAAAA1';
const BO = '0055g00000BoCAAAA2';
const old = '2026-01-05T08:00:00.000+0000';

let tdb: TestDatabase;
let handle: DbHandle;
let sql: Awaited<ReturnType<typeof sqlClient>>;
let sf: SalesforceStandin;
let hs: HubSpotStandIn;
let deps: MirrorDeps;

beforeAll(async () => {
  tdb = await createTestDatabase();
  handle = await openPostgres(tdb.url);
  await handle.migrate();
  sql = await sqlClient(tdb.url);
  const accounts = Array.from({ length: 450 }, (_, i) => ({
    Id: sfId(i + 1),
    Name: `Account ${i + 1}`,
    Website: `https://www.a${i + 1}.example/`,
    OwnerId: ANA,
    ParentId: i + 1 > 1 && i + 1 <= 4 ? sfId(1) : null,
    SystemModstamp: old,
  }));
  sf = await startSalesforceStandin({
    accessToken: 'sf-token',
    queryBatchSize: 100,
    records: {
      Account: accounts,
      Contact: [
        { Id: '0035g0000000001', AccountId: sfId(1), Email: 'ana@a1.example', SystemModstamp: old },
        { Id: '0035g0000000002', AccountId: sfId(1), Email: 'bo@eu.a1.example', SystemModstamp: old },
      ],
      Opportunity: [{ Id: '0065g0000000001', AccountId: sfId(2) }],
      User: [
        { Id: ANA, Name: 'Ana', IsActive: true, UserType: 'Standard' },
        { Id: BO, Name: 'Bo', IsActive: true, UserType: 'Standard' },
      ],
    },
  });
  hs = await startHubSpotStandIn({ owners: [{ id: '101' }, { id: '102' }] });
  const connectors = mirrorConnectors(sf.url, hs.url, { token: 'pat-sync', clientSecret: 'sync-secret-0001' });
  deps = { db: handle.db, connectors, logger: testLogger(), now: () => new Date() };
});

afterAll(async () => {
  await sql?.end();
  await handle?.close();
  await sf?.close();
  await hs?.close();
  await tdb?.drop();
});

// 'FROM Account ' with its space: not AccountTeamMember's queries.
const accountQueries = () => sf.queries.filter((q) => q.includes('FROM Account ') && q.includes('ORDER BY Id'));

it('an interrupted Salesforce load resumes after the last stored page: nothing read twice, nothing skipped', async () => {
  let failed = false;
  const first = syncAccounts(deps, {
    crm: 'salesforce',
    onProgress: (p) => {
      // Salesforce fails for good after the second page was stored (retries are off here).
      if (p.object === 'accounts' && p.loaded === 200 && !failed) {
        failed = true;
        sf.faults.next(salesforceFaults.unknownException(3));
      }
    },
  });
  await expect(first).rejects.toMatchObject({ code: 'CRM_TEMPORARY' });
  const [cursor] = await sql.rows(`select status, cursor, loaded from crm_sync_cursors where object = 'accounts'`);
  expect(cursor).toEqual({ status: 'failed', cursor: sfId(200), loaded: 200 });
  sf.faults.clear();

  const before = sf.queries.length;
  const [accounts] = await syncAccounts(deps, { crm: 'salesforce' });
  expect(accounts).toMatchObject({ object: 'accounts', mode: 'full', resumed: true, loaded: 450 });
  // The resumed run asked for the rest only: Id > the last stored id.
  const resumed = accountQueries().filter((q) => sf.queries.indexOf(q) >= before);
  expect(resumed).toHaveLength(1);
  expect(resumed[0]).toContain(`Id > '${sfId(200)}'`);
  const [n] = await sql.rows(`select count(*)::int as n, count(distinct id)::int as d from crm_accounts`);
  expect(n).toEqual({ n: 450, d: 450 });
  const [acme] = await sql.rows(`select domains from crm_accounts where id = '${sfId(1)}'`);
  expect(acme).toEqual({ domains: ['a1.example'] });
});

it("the index reads the mirror's own counts: contacts, child accounts, and Salesforce's opportunities", async () => {
  const [one, two] = await readMirrorAccountPage(handle.db, { crm: 'salesforce', pageSize: 2 });
  expect(one).toMatchObject({ id: sfId(1), contacts: 2, children: 3, opportunities: 0 });
  expect(two).toMatchObject({ id: sfId(2), contacts: 0, children: 0, opportunities: 1, parentId: sfId(1) });
});

it('polls Salesforce by SystemModstamp: a reassignment is read, a deletion found in the recycle bin', async () => {
  sf.putRecord('Account', { Id: sfId(10), OwnerId: BO });
  sf.deleteRecord('Account', sfId(11));
  const before = sf.queries.length;
  const [accounts] = await syncAccounts(deps, { crm: 'salesforce' });
  expect(accounts).toMatchObject({ mode: 'incremental', loaded: 1, deleted: 1 });
  expect(sf.queries.slice(before).some((q) => q.includes('IsDeleted = true'))).toBe(true);
  const rows = await sql.rows(
    `select id, owner_crm_id, deleted_at is not null as deleted from crm_accounts where id in ('${sfId(10)}', '${sfId(11)}') order by id`,
  );
  expect(rows).toEqual([
    { id: sfId(10), owner_crm_id: BO, deleted: false },
    { id: sfId(11), owner_crm_id: ANA, deleted: true },
  ]);
});

it("reads HubSpot changes by id past search's 10,000-result cap, each once", async () => {
  // The initial load (list API), then 10,050 companies changed since: one search would stop at 10,000.
  hs.putRecord('companies', '1', {
    name: 'First',
    domain: 'first.example',
    hs_lastmodifieddate: '2026-01-01T00:00:00.000Z',
  });
  await syncAccounts(deps, { crm: 'hubspot' });
  const ids = Array.from({ length: 10_050 }, (_, i) => String(20_001 + i));
  for (const id of ids)
    hs.putRecord('companies', id, { name: `New ${id}`, domain: `n${id}.example`, hubspot_owner_id: '102' });
  const before = hs.requests.length;
  const [accounts] = await syncAccounts(deps, { crm: 'hubspot' });
  expect(accounts).toMatchObject({ mode: 'incremental', loaded: 10_050 });
  const searches = hs.requests.slice(before).filter((r) => r.path === '/crm/v3/objects/companies/search');
  expect(searches.map((r) => r.status).every((s) => s === 200)).toBe(true);
  expect(searches).toHaveLength(51); // 200 a page, each a fresh search above the last id
  const [n] = await sql.rows(
    `select count(*)::int as n from crm_accounts where crm = 'hubspot' and deleted_at is null`,
  );
  expect(n).toEqual({ n: 10_051 });
});
