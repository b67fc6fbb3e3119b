// The people mirror's sync (existingOwner) against the strict stand-ins, on real Postgres, without a
// running service: Salesforce Contacts and Leads through queryMore (converted leads left out), then
// polled by SystemModstamp (an owner change, a conversion, a deletion from the recycle bin); HubSpot
// contacts over list pages, with and without a company. An index loaded from the mirror answers
// contact before lead.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mirrorConnectors } from '../support/mirror-connectors.js';
import { createAccountIndex } from '../../src/accounts/index.js';
import { openPostgres, type DbHandle } from '../../src/db/index.js';
import { loadAccountIndex, syncAccounts, type MirrorDeps } from '../../src/pipeline/index.js';
import { startHubSpotStandIn, type HubSpotStandIn } from '../support/hubspot-standin.js';
import { startSalesforceStandin, type SalesforceStandin } from '../support/salesforce-standin.js';
import { createTestDatabase, sqlClient, type TestDatabase } from '../support/services.js';
import { testLogger } from '../support/test-logs.js';

const ANA = '0055g00000AnaAAAA1';
const BO = '0055g00000BoCAAAA2';
const old = '2026-01-05T08:00:00.000+0000';
const account = '001000000000001AAA';
const contactId = (n: number) => `003${String(n).padStart(12, '0')}AAA`;
const leadId = (n: number) => `00Q${String(n).padStart(12, '0')}AAA`;

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
  sf = await startSalesforceStandin({
    accessToken: 'sf-token',
    queryBatchSize: 100,
    records: {
      Account: [{ Id: account, Name: 'Acme', Website: 'acme.example', OwnerId: ANA, SystemModstamp: old }],
      // 250 contacts: every other one without an account; owners alternate.
      Contact: Array.from({ length: 250 }, (_, i) => ({
        Id: contactId(i + 1),
        AccountId: i % 2 === 0 ? account : null,
        Email: `Contact${i + 1}@Acme.example`,
        OwnerId: i % 2 === 0 ? ANA : BO,
        SystemModstamp: old,
      })),
      // 230 leads: lead 1 shares contact 1's email; lead 2 is converted (it is a contact now).
      Lead: Array.from({ length: 230 }, (_, i) => ({
        Id: leadId(i + 1),
        Email: i === 0 ? 'contact1@acme.example' : `lead${i + 1}@prospect.example`,
        OwnerId: BO,
        IsConverted: i === 1,
        SystemModstamp: old,
      })),
    },
  });
  hs = await startHubSpotStandIn({
    records: {
      contacts: Object.fromEntries(
        Array.from({ length: 150 }, (_, i) => [
          String(i + 1),
          {
            email: `hs${i + 1}@example.org`,
            hubspot_owner_id: i % 3 === 0 ? '101' : '102',
            ...(i % 2 === 0 && { associatedcompanyid: '9001' }),
          },
        ]),
      ),
    },
    owners: [{ id: '101' }, { id: '102' }],
  });
  const connectors = mirrorConnectors(sf.url, hs.url, { token: 'pat-people', clientSecret: 'people-secret-0001' });
  deps = { db: handle.db, connectors, logger: testLogger(), now: () => new Date() };
});

afterAll(async () => {
  await sql?.end();
  await handle?.close();
  await sf?.close();
  await hs?.close();
  await tdb?.drop();
});

const live = async (crm: string, kind: string) =>
  (
    await sql.rows<{ n: number }>(
      `select count(*)::int n from crm_people where crm = $1 and kind = $2 and email is not null`,
      [crm, kind],
    )
  )[0]!.n;

it('the first Salesforce sync stores every contact and every unconverted lead, page by page through queryMore', async () => {
  const [, contacts, , leads] = await syncAccounts(deps, { crm: 'salesforce' });
  expect(contacts).toMatchObject({ object: 'contacts', mode: 'full', loaded: 250, calls: 3 });
  expect(leads).toMatchObject({ object: 'leads', mode: 'full', loaded: 230, calls: 3 });
  expect(sf.queries.filter((q) => q.includes('FROM Lead') && q.includes('ORDER BY Id'))).toEqual([
    'SELECT Id, Email, OwnerId, IsConverted, SystemModstamp FROM Lead ORDER BY Id',
  ]);
  expect(await live('salesforce', 'contact')).toBe(250);
  expect(await live('salesforce', 'lead')).toBe(229);
  // Only contacts with an account count for the account's email domains.
  expect(await sql.rows(`select count(*)::int n from crm_account_contacts`)).toEqual([{ n: 125 }]);

  const index = createAccountIndex();
  await loadAccountIndex(handle.db, index);
  // Contact before lead, emails normalized.
  expect(index.findPeople!('CONTACT1@acme.example')).toEqual([
    { crm: 'salesforce', kind: 'contact', id: contactId(1), email: 'contact1@acme.example', ownerCrmId: ANA },
    { crm: 'salesforce', kind: 'lead', id: leadId(1), email: 'contact1@acme.example', ownerCrmId: BO },
  ]);
  expect(index.findPeople!('contact2@acme.example')).toMatchObject([{ kind: 'contact', ownerCrmId: BO }]);
  expect(index.findPeople!('lead2@prospect.example')).toEqual([]);
  expect(index.findPeople!('lead3@prospect.example')).toMatchObject([{ kind: 'lead', id: leadId(3) }]);
});

it('polls Salesforce leads and contacts by SystemModstamp: owner changes, a conversion, a deletion from the recycle bin', async () => {
  const index = createAccountIndex();
  await loadAccountIndex(handle.db, index);
  sf.putRecord('Lead', { Id: leadId(3), OwnerId: ANA });
  sf.putRecord('Lead', { Id: leadId(4), IsConverted: true });
  sf.deleteRecord('Lead', leadId(5));
  sf.putRecord('Contact', { Id: contactId(2), OwnerId: ANA });
  const [, contacts, , leads] = await syncAccounts({ ...deps, accounts: index }, { crm: 'salesforce' });
  expect(contacts).toMatchObject({ mode: 'incremental', loaded: 1 });
  expect(leads).toMatchObject({ mode: 'incremental', loaded: 2, deleted: 1 });
  expect(
    await sql.rows(`select id, email, owner_crm_id from crm_people where kind = 'lead' and id = any($1) order by id`, [
      [leadId(3), leadId(4), leadId(5)],
    ]),
  ).toEqual([
    { id: leadId(3), email: 'lead3@prospect.example', owner_crm_id: ANA },
    { id: leadId(4), email: null, owner_crm_id: null },
    { id: leadId(5), email: null, owner_crm_id: null },
  ]);
  // This process's index took the changes as each page committed.
  expect(index.findPeople!('lead3@prospect.example')).toMatchObject([{ ownerCrmId: ANA }]);
  expect(index.findPeople!('lead4@prospect.example')).toEqual([]);
  expect(index.findPeople!('lead5@prospect.example')).toEqual([]);
  expect(index.findPeople!('contact2@acme.example')).toMatchObject([{ kind: 'contact', ownerCrmId: ANA }]);
});

it("a full sync's reconcile removes a contact deleted without an event", async () => {
  sf.deleteRecord('Contact', contactId(7));
  const [, contacts] = await syncAccounts(deps, { crm: 'salesforce', full: true });
  expect(contacts).toMatchObject({ mode: 'full', loaded: 249 });
  expect(await sql.rows(`select email from crm_people where id = $1`, [contactId(7)])).toEqual([{ email: null }]);
  expect(await live('salesforce', 'contact')).toBe(249);
});

it('HubSpot contacts with and without a company, over list pages, with their owners', async () => {
  const [, contacts] = await syncAccounts(deps, { crm: 'hubspot' });
  expect(contacts).toMatchObject({ object: 'contacts', mode: 'full', loaded: 150, calls: 2 });
  expect(await live('hubspot', 'contact')).toBe(150);
  expect(
    await sql.rows(
      `select id, email, owner_crm_id from crm_people where crm = 'hubspot' and id in ('1', '2') order by id`,
    ),
  ).toEqual([
    { id: '1', email: 'hs1@example.org', owner_crm_id: '101' },
    { id: '2', email: 'hs2@example.org', owner_crm_id: '102' },
  ]);
});
