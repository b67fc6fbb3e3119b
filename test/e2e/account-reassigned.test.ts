// A lead for an account that was reassigned in the CRM a moment earlier goes to the NEW owner,
// through the whole pipeline: the CRM's change event and the lead's webhook are delivered one
// right after the other (no waiting in between), the worker routes the lead, and the owner write
// reaches the stand-in. The mirror's drain loop is slowed to a minute here, so the only thing
// that can apply the change in time is the catch-up before routing (pipeline/account-changes.ts).
import { expect, it } from 'vitest';
import { syncAccounts } from '../../src/pipeline/index.js';
import { signedHubSpotWebhook, startHubSpotStandIn, type HubSpotStandIn } from '../support/hubspot-standin.js';
import { writeAccountOwnerConfig } from '../support/account-owner-config.js';
import { useTestSystem } from '../support/system.js';
import { until } from '../support/until.js';

const clientSecret = 'account-reassigned-secret-01';
const mappings = {
  'hubspot/contact': {
    fields: [
      { from: 'email', to: 'email', required: true },
      { from: 'company', to: 'company' },
    ],
    ignore: ['hs_object_id', 'lastmodifieddate'],
  },
};

let standIn: HubSpotStandIn;
let config: ReturnType<typeof writeAccountOwnerConfig>;
const sys = useTestSystem(async () => {
  config = writeAccountOwnerConfig(mappings);
  standIn = await startHubSpotStandIn({
    records: {
      companies: {
        '7001': { name: 'Acme', domain: 'acme-e2e.example', hubspot_owner_id: '101' },
        '7002': { name: 'Globex', domain: 'globex-e2e.example', hubspot_owner_id: '101' },
      },
      contacts: {},
    },
    owners: [{ id: '101' }, { id: '102' }, { id: '103' }],
  });
  const hubspot = { baseUrl: standIn.url, auth: { kind: 'private_app', token: 'pat-reassigned' }, clientSecret };
  return {
    env: {
      HUBSPOT_CONFIG: JSON.stringify(hubspot),
      CONFIG_FILE: config.file,
      // No drain tick and no follow tick inside the test: only the catch-up before routing applies the change.
      ACCOUNT_CHANGES_INTERVAL_MS: '600000',
      ACCOUNT_SYNC_INTERVAL_MS: '0',
      ACCOUNT_RECONCILE_INTERVAL_MS: '0',
    },
    working: true,
    migrate: true,
    after: async () => {
      await standIn?.close();
      config?.remove();
    },
  };
});

const ownerWrittenTo = async (contactId: string) => {
  await until(() => standIn.writes.some((w) => w.objectType === 'contacts' && w.id === contactId), {
    timeoutMs: 15_000,
    what: `the owner written to contact ${contactId}`,
  });
  return standIn.writes.find((w) => w.objectType === 'contacts' && w.id === contactId)!.properties['hubspot_owner_id'];
};

const contactCreated = (eventId: number, contactId: number) => ({
  eventId,
  subscriptionType: 'contact.creation',
  objectId: contactId,
  changeSource: 'CRM_UI',
  occurredAt: Date.now(),
  portalId: 62515,
});

it('HubSpot: company owner changed, then a lead for its domain at once -> the lead goes to the new owner', async () => {
  await syncAccounts(sys.rt.deps, { crm: 'hubspot' });
  expect(sys.rt.deps.accounts!.size).toBe(2);

  // Before: a lead for acme goes to ana (101), the account's owner.
  standIn.putRecord('contacts', '501', { email: 'dana@acme-e2e.example', company: 'Acme' });
  expect((await sys.app.inject(signedHubSpotWebhook(clientSecret, [contactCreated(9101, 501)]))).statusCode).toBe(200);
  expect(await ownerWrittenTo('501')).toBe('101');

  // The account is reassigned in HubSpot (to bo, 102); its webhook and the next lead's arrive back to back.
  standIn.putRecord('companies', '7001', { hubspot_owner_id: '102' });
  const change = {
    eventId: 9102,
    subscriptionType: 'company.propertyChange',
    objectId: 7001,
    propertyName: 'hubspot_owner_id',
    propertyValue: '102',
    changeSource: 'CRM_UI',
    occurredAt: Date.now(),
    portalId: 62515,
  };
  expect((await sys.app.inject(signedHubSpotWebhook(clientSecret, [change]))).statusCode).toBe(200);
  standIn.putRecord('contacts', '502', { email: 'eli@acme-e2e.example', company: 'Acme' });
  expect((await sys.app.inject(signedHubSpotWebhook(clientSecret, [contactCreated(9103, 502)]))).statusCode).toBe(200);

  expect(await ownerWrittenTo('502')).toBe('102');
  const [decision] = await sys.sql.rows<{ rep_id: string; rule_id: string; account: Record<string, unknown> }>(
    `select a.rep_id, a.rule_id, a.decision->'trace'->'account' as account
       from assignments a join inbound_events e on e.id = a.event_id where e.record_id = '502'`,
  );
  expect(decision).toMatchObject({ rep_id: 'bo', rule_id: 'account-owner' });
  expect(decision!.account).toMatchObject({ method: 'email_domain' });
  const [mirrored] = await sys.sql.rows(`select owner_crm_id from crm_accounts where crm = 'hubspot' and id = '7001'`);
  expect(mirrored).toEqual({ owner_crm_id: '102' });
});
