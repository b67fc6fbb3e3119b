// The account mirror against the strict HubSpot stand-in, on real Postgres: the initial load
// (list pages, contacts' domains, the index filled), company webhooks (a reassignment reaches the index within a
// drain tick; a deletion drops the account), and the reconcile of a full sync. Paging past
// search's 10,000-result cap is in account-sync.test.ts (no running service: the first, plain
// index rebuilds itself per upsert).
import { expect, it } from 'vitest';
import { syncAccounts } from '../../src/pipeline/index.js';
import { aLead } from '../builders/index.js';
import {
  objectEvents,
  signedHubSpotWebhook,
  startHubSpotStandIn,
  type HubSpotStandIn,
} from '../support/hubspot-standin.js';
import { useTestSystem } from '../support/system.js';
import { until } from '../support/until.js';

const clientSecret = 'account-mirror-secret-01';
const old = '2026-01-05T08:00:00.000Z';
const companyIds = Array.from({ length: 250 }, (_, i) => String(7001 + i));

let standIn: HubSpotStandIn;

const sys = useTestSystem(async () => {
  standIn = await startHubSpotStandIn({
    records: {
      companies: Object.fromEntries(
        companyIds.map((id) => [
          id,
          { name: `Company ${id}`, domain: `c${id}.example`, hubspot_owner_id: '101', hs_lastmodifieddate: old },
        ]),
      ),
      contacts: {
        '1': { email: 'ana@c7001.example', associatedcompanyid: '7001' },
        '2': { email: 'bo@c7001.example', associatedcompanyid: '7001' },
        '3': { email: 'cy@gmail.com', associatedcompanyid: '7002' },
      },
    },
    owners: [{ id: '101' }, { id: '102' }],
  });
  const hubspot = {
    baseUrl: standIn.url,
    auth: { kind: 'private_app', token: 'pat-mirror' },
    clientSecret,
  };
  const env = {
    HUBSPOT_CONFIG: JSON.stringify(hubspot),
    CONFIG_FILE: 'fixtures/config/hubspot-e2e.yaml',
    ACCOUNT_CHANGES_INTERVAL_MS: '100',
  };
  return { env, working: true, migrate: true, after: () => standIn?.close() };
});

const q = (text: string) => sys.sql.rows(text);
const owner = (website: string) => sys.rt.deps.accounts!.match(aLead({ websiteDomain: website }))?.account.ownerCrmId;

it('loads every company and its contacts into the mirror, page by page, and fills the index', async () => {
  const result = await syncAccounts(sys.rt.deps, { crm: 'hubspot' });
  expect(result).toEqual([
    { object: 'accounts', mode: 'full', resumed: false, loaded: 250, calls: 3, deleted: 0 },
    { object: 'contacts', mode: 'full', resumed: false, loaded: 3, calls: 1, deleted: 0 },
  ]);
  const [accounts] = await q(
    `select count(*)::int as n from crm_accounts where crm = 'hubspot' and deleted_at is null`,
  );
  expect(accounts!.n).toBe(250);
  const [acme] = await q(`select domains, name_normalized, owner_crm_id from crm_accounts where id = '7001'`);
  expect(acme).toEqual({ domains: ['c7001.example'], name_normalized: 'company 7001', owner_crm_id: '101' });
  const contacts = await q(`select contact_id, account_id, email_domain from crm_account_contacts order by contact_id`);
  expect(contacts).toEqual([
    { contact_id: '1', account_id: '7001', email_domain: 'c7001.example' },
    { contact_id: '2', account_id: '7001', email_domain: 'c7001.example' },
    { contact_id: '3', account_id: '7002', email_domain: 'gmail.com' },
  ]);
  const [cursor] = await q(
    `select status, cursor, watermark from crm_sync_cursors where crm = 'hubspot' and object = 'accounts'`,
  );
  expect(cursor).toMatchObject({ status: 'done', cursor: null });
  expect(cursor!.watermark).not.toBeNull();
  expect(sys.rt.deps.accounts!.size).toBe(250);
  expect(owner('c7042.example')).toBe('101');
  // The list API pages by `after`; three pages of 100, each asked once.
  const lists = standIn.requests.filter((r) => r.path === '/crm/v3/objects/companies' && r.method === 'GET');
  expect(lists).toHaveLength(3);
});

it('a company reassigned in HubSpot goes to its new owner in the index a drain tick after the webhook', async () => {
  standIn.putRecord('companies', '7042', { hubspot_owner_id: '102' });
  const ack = await sys.app.inject(
    signedHubSpotWebhook(clientSecret, [
      {
        eventId: 880001,
        subscriptionType: 'company.propertyChange',
        objectId: 7042,
        propertyName: 'hubspot_owner_id',
        propertyValue: '102',
        occurredAt: Date.now(),
        portalId: 62515,
      },
    ]),
  );
  expect(ack.statusCode).toBe(200);
  await until(() => owner('c7042.example') === '102', { timeoutMs: 10_000, what: 'the index to hold the new owner' });
  const [row] = await q(`select owner_crm_id from crm_accounts where id = '7042'`);
  expect(row!.owner_crm_id).toBe('102');
  // The drain clears the change after the index has it (the index may even have it first, by following the mirror).
  await until(async () => (await q(`select count(*)::int as n from crm_account_changes`))[0]!.n === 0, {
    timeoutMs: 10_000,
    what: 'the change cleared',
  });
});

it('a company.deletion webhook marks the account deleted and drops it from the index', async () => {
  standIn.deleteRecord('companies', '7043');
  const ack = await sys.app.inject(
    signedHubSpotWebhook(clientSecret, [
      { eventId: 880002, subscriptionType: 'company.deletion', objectId: 7043, occurredAt: Date.now(), portalId: 1 },
    ]),
  );
  expect(ack.statusCode).toBe(200);
  await until(() => owner('c7043.example') === undefined, {
    timeoutMs: 10_000,
    what: 'the account gone from the index',
  });
  const [row] = await q(`select deleted_at from crm_accounts where id = '7043'`);
  expect(row!.deleted_at).not.toBeNull();
});

it('contact webhooks keep the per-account email-domain counts current: the dominant account follows them', async () => {
  const dominant = () => {
    const m = sys.rt.deps.accounts!.match(aLead({ emailDomain: 'partner.example' }));
    return m && { id: m.account.id, method: m.method };
  };
  const deliver = (events: Array<[number, string, number, string?]>) =>
    sys.app.inject(signedHubSpotWebhook(clientSecret, objectEvents(events)));
  for (const [id, email, company] of [
    ['11', 'a@partner.example', '7010'],
    ['12', 'b@partner.example', '7010'],
    ['13', 'c@partner.example', '7011'],
  ] as const)
    standIn.putRecord('contacts', id, { email, associatedcompanyid: company });
  const created = await deliver([
    [880011, 'contact.creation', 11],
    [880012, 'contact.creation', 12],
    [880013, 'contact.creation', 13],
  ]);
  expect(created.statusCode).toBe(200);
  await until(() => dominant()?.id === '7010', { timeoutMs: 10_000, what: '7010 dominant with two contacts' });
  expect(dominant()).toEqual({ id: '7010', method: 'contact_domain' });
  // The contacts loaded by the first sync still count (a page of changes adds to the table, never replaces it).
  expect(sys.rt.deps.accounts!.match(aLead({ emailDomain: 'c7001.example' }))?.account.id).toBe('7001');

  // 11 is deleted, 12 changes its email to another domain, 14 joins 7011: 7011 now holds the most.
  standIn.deleteRecord('contacts', '11');
  standIn.putRecord('contacts', '12', { email: 'b@elsewhere.example' });
  standIn.putRecord('contacts', '14', { email: 'd@partner.example', associatedcompanyid: '7011' });
  const changed = await deliver([
    [880014, 'contact.deletion', 11],
    [880015, 'contact.propertyChange', 12, 'email'],
    [880016, 'contact.creation', 14],
    // Not a change of email or company: not read.
    [880017, 'contact.propertyChange', 13, 'firstname'],
  ]);
  expect(changed.statusCode).toBe(200);
  // 7011 may lead before every change is drained (11 and 12 are enough): wait for the stored rows.
  const expected = [
    { contact_id: '12', account_id: '7010', email_domain: 'elsewhere.example' },
    { contact_id: '13', account_id: '7011', email_domain: 'partner.example' },
    { contact_id: '14', account_id: '7011', email_domain: 'partner.example' },
  ];
  const contacts = () =>
    q(
      `select contact_id, account_id, email_domain from crm_account_contacts where contact_id in ('11','12','13','14') order by contact_id`,
    );
  await until(async () => JSON.stringify(await contacts()) === JSON.stringify(expected), {
    timeoutMs: 10_000,
    what: 'every change stored',
  });
  await until(() => dominant()?.id === '7011', { timeoutMs: 10_000, what: '7011 dominant after the changes' });
  expect(dominant()).toEqual({ id: '7011', method: 'contact_domain' });
});

it('a full sync reconciles: a company deleted without a webhook is marked deleted', async () => {
  standIn.deleteRecord('companies', '7044');
  const [accounts] = await syncAccounts(sys.rt.deps, { crm: 'hubspot', full: true });
  expect(accounts).toMatchObject({ mode: 'full', loaded: 248, deleted: 1 });
  const [row] = await q(`select deleted_at from crm_accounts where id = '7044'`);
  expect(row!.deleted_at).not.toBeNull();
  expect(owner('c7044.example')).toBeUndefined();
});
