// The HubSpot connector against the shared CrmConnector contract (test/contract/crm-connector.ts).
import { createHmac } from 'node:crypto';
import nock from 'nock';
import { createHubSpotConnector } from '../../../../connectors/hubspot/index.js';
import type { OwnerWrite } from '../../../../src/connector.js';
import {
  runCrmConnectorContract,
  type AccountsContractSetup,
  type StrictContractSetup,
} from '../../../contract/crm-connector.js';
import { hubspotFaults, startHubSpotStandIn } from '../../../support/hubspot-standin.js';
import { aConnector, baseUrl, fakeClock, fixture, t0, token, webhookSecret } from './support.js';

const url = 'https://router.example.com/webhooks/hubspot';
const rawBody = JSON.stringify(fixture('webhooks/mixed-batch.json'));

function signed(body: string, ts = t0 - 2_000, secret = webhookSecret) {
  const signature = createHmac('sha256', secret).update(`POST${url}${body}${ts}`).digest('base64');
  return {
    method: 'POST',
    url,
    rawBody: body,
    headers: {
      'content-type': 'application/json',
      'x-hubspot-signature-v3': signature,
      'x-hubspot-request-timestamp': String(ts),
    },
  };
}

const readPath = '/crm/v3/objects/contacts/batch/read';
const fetchBody = {
  inputs: [{ id: '5001' }, { id: '5002' }],
  properties: ['email', 'country'],
  propertiesWithHistory: [],
};
const ourAppId = '1160452';
const ref = (id: string) => ({ crm: 'hubspot' as const, objectType: 'contact', id });

runCrmConnectorContract('hubspot', () => ({
  connector: () => aConnector({ appId: ourAppId }, fakeClock()),
  secrets: [token, webhookSecret],
  origins: {
    // A property change made through our app: HubSpot's changeSource INTEGRATION, sourceId our app id.
    ours: [{ changeSource: 'INTEGRATION', sourceId: ourAppId }],
    others: [
      { changeSource: 'CRM_UI', sourceId: 'userId:7001', changedBy: '7001' },
      { changeSource: 'INTEGRATION', sourceId: '999001' },
      { changeSource: 'WORKFLOWS', changedBy: ourAppId },
    ],
  },
  // HubSpot reads no relationship paths: a dotted name is just a property that does not exist.
  fieldPaths: {
    known: ['email', 'country', 'associatedcompanyid'],
    cases: [
      { path: 'email', expected: 'unknown field' },
      { path: 'associatedcompany.name', expected: 'unknown field' },
    ],
  },
  now: new Date(t0),
  webhook: {
    valid: signed(rawBody),
    events: [
      {
        kind: 'created',
        sourceEventId: '2001',
        record: ref('5002'),
        occurredAt: new Date(1772445600000).toISOString(),
      },
      {
        kind: 'created',
        sourceEventId: '2004',
        record: ref('5004'),
        occurredAt: new Date(1772445603000).toISOString(),
      },
      {
        kind: 'ownerChanged',
        sourceEventId: '2005',
        record: ref('5002'),
        occurredAt: new Date(1772445604000).toISOString(),
        newOwnerId: '41629779',
        changeSource: 'INTEGRATION',
        sourceId: '1160452',
        changedBy: '1160452',
      },
    ],
    rejected: [
      {
        name: 'unsigned',
        req: { ...signed(rawBody), headers: { 'content-type': 'application/json' } },
        code: 'SIGNATURE_MISSING',
      },
      {
        name: 'tampered body',
        req: { ...signed(rawBody), rawBody: rawBody.replace('5002', '5009') },
        code: 'SIGNATURE_INVALID',
      },
      { name: 'wrong secret', req: signed(rawBody, t0 - 2_000, 'someone-else'), code: 'SIGNATURE_INVALID' },
      { name: 'stale', req: signed(rawBody, t0 - 10 * 60_000), code: 'SIGNATURE_STALE' },
    ],
    malformed: signed(JSON.stringify(fixture('webhooks/malformed-missing-object-id.json'))),
  },
  fetch: {
    objectType: 'contact',
    ids: ['5001', '5002'],
    fields: ['email', 'country'],
    mock: () =>
      nock(baseUrl, { reqheaders: { authorization: `Bearer ${token}` } })
        .post(readPath, fetchBody)
        .query(true)
        .reply(200, fixture('api/batch-read-contacts-200.json')),
    expected: [
      { ref: ref('5001'), fields: { email: 'ana@acme.com', country: 'Germany' } },
      { ref: ref('5002'), fields: { email: 'bo@globex.io', country: 'France' } },
    ],
  },
  write: {
    writes: [
      { writeId: 'w-1', ref: ref('5001'), ownerId: '41629779' },
      { writeId: 'w-2', ref: ref('99999'), ownerId: '41629780' },
    ],
    mock: () =>
      nock(baseUrl)
        .post('/crm/v3/objects/contacts/batch/update', {
          inputs: [
            { id: '5001', properties: { hubspot_owner_id: '41629779' }, objectWriteTraceId: 'w-1' },
            { id: '99999', properties: { hubspot_owner_id: '41629780' }, objectWriteTraceId: 'w-2' },
          ],
        })
        .reply(207, fixture('api/batch-update-contacts-207-deleted.json')),
    expected: [
      { writeId: 'w-1', ok: true },
      { writeId: 'w-2', ok: false, code: 'CRM_NOT_FOUND', retryable: false },
    ],
  },
  owners: {
    mock: () =>
      nock(baseUrl)
        .get('/crm/v3/owners/')
        .query({ limit: '100', archived: 'false' })
        .reply(200, fixture('api/owners-page-2.json'))
        .get('/crm/v3/owners/')
        .query({ limit: '100', archived: 'true' })
        .reply(200, { results: [] }),
    expected: [
      { id: '41629780', kind: 'user', email: 'bo@example.com', name: 'Bo Berg', active: true },
      { id: '50000001', kind: 'queue', active: true },
    ],
  },
  fields: {
    objectType: 'contact',
    mock: () =>
      nock(baseUrl)
        .get('/crm/v3/properties/contacts')
        .query(true)
        .reply(200, { results: [fixture<{ results: object[] }>('api/properties-contacts.json').results[0]] }),
    expected: [{ name: 'email', label: 'Email', type: 'string', updateable: true }],
  },
  rateLimitedFetch: {
    mock: () =>
      nock(baseUrl)
        .post(readPath, fetchBody)
        .query(true)
        .reply(429, fixture<{ body: object }>('errors/429-ten-secondly-rolling.json').body, { 'Retry-After': '1' })
        .post(readPath, fetchBody)
        .query(true)
        .reply(200, fixture('api/batch-read-contacts-200.json')),
  },
  authFailure: {
    mock: () =>
      nock(baseUrl)
        .post(readPath)
        .query(true)
        .once()
        .reply(401, fixture<{ body: object }>('errors/401-invalid-authentication.json').body),
  },
  strict,
  accounts,
}));

// The strict part: an OAuth install against the stand-in (its token endpoint mints the tokens),
// a portal in Europe/Berlin (the DAILY limit resets at its midnight: 10:00Z = 11:00 CET -> 13 h).
const oauth = {
  kind: 'oauth' as const,
  clientId: 'client-id-123',
  clientSecret: 'oauth-client-secret-456',
  refreshToken: 'refresh-token-789',
};
const contact = (email: string, country: string) => ({ email, country, hubspot_owner_id: null });

async function strict(): Promise<StrictContractSetup> {
  const standIn = await startHubSpotStandIn({
    tokens: ['pat-not-used'],
    refreshTokens: [oauth.refreshToken],
    records: {
      contacts: {
        '5001': contact('ana@acme.com', 'Germany'),
        '5002': contact('bo@globex.io', 'France'),
        '5003': contact('cy@initech.io', 'Spain'),
      },
    },
    owners: [{ id: '41629779' }, { id: '41629780' }, { id: '41629781', archived: true }],
  });
  const make = (over: Record<string, unknown> = {}) =>
    createHubSpotConnector(
      {
        baseUrl: standIn.url,
        auth: oauth,
        clientSecret: webhookSecret,
        maxRetries: 1,
        timeZone: 'Europe/Berlin',
        ...over,
      },
      { ...(({ now, sleep }) => ({ now, sleep }))(fakeClock()), random: () => 0.5 },
    );
  const write = (n: number, id: string, ownerId: string, extraFields?: Record<string, string>): OwnerWrite => ({
    writeId: `w-${n}`,
    ref: ref(id),
    ownerId,
    ...(extraFields && { extraFields }),
  });
  return {
    standIn,
    connector: (opts = {}) => make(opts),
    secrets: [oauth.clientSecret, oauth.refreshToken, webhookSecret],
    fetch: {
      objectType: 'contact',
      ids: ['5001', '5002'],
      fields: ['email', 'country'],
      expected: [
        { ref: ref('5001'), fields: { email: 'ana@acme.com', country: 'Germany' } },
        { ref: ref('5002'), fields: { email: 'bo@globex.io', country: 'France' } },
      ],
    },
    writes: [write(1, '5001', '41629779'), write(2, '5002', '41629780')],
    ownerOf: (r) => standIn.record('contacts', r.id)?.['hubspot_owner_id'],
    // An archived owner (a deactivated user) is not an allowed option any more.
    invalidOwner: write(3, '5003', '41629781'),
    deleted: { write: write(4, '5003', '41629779'), remove: () => standIn.deleteRecord('contacts', '5003') },
    unknownField: [
      // The published reason property (mappings[...].reasonField) was deleted in the portal since.
      {
        name: 'reason property missing from the portal',
        field: 'lr_no_such_property',
        write: write(5, '5003', '41629779', { lr_no_such_property: 'rule emea' }),
      },
    ],
    faults: {
      serverErrorWithCode: hubspotFaults.internalError(),
      unavailableWithoutCode: hubspotFaults.unavailableHtml(),
      rateLimited: hubspotFaults.tenSecondly(1),
      rateLimitedNoRetryAfter: hubspotFaults.tenSecondly(),
      dailyLimit: { fault: hubspotFaults.daily(), retryAfterMs: 13 * 3_600_000 },
      quoting: (tok) => ({
        kind: 'status',
        status: 400,
        body: {
          status: 'error',
          message: `token ${tok} is not valid for this portal`,
          correlationId: 'c-q',
          category: 'VALIDATION_ERROR',
        },
      }),
    },
  };
}

// Companies for the account mirror: 250 (three list pages of 100), stamped in the past.
async function accounts(): Promise<AccountsContractSetup> {
  const old = '2026-01-05T08:00:00.000Z';
  const companies: Record<string, Record<string, string | null>> = {};
  for (let i = 1; i <= 250; i++)
    companies[String(9000 + i)] = {
      name: `Company ${i}`,
      domain: `company${i}.example`,
      hubspot_owner_id: '41629779',
      hs_lastmodifieddate: old,
      createdate: old,
    };
  companies['9007'] = {
    name: 'Acme GmbH',
    domain: 'acme.de',
    hs_additional_domains: 'acme.com;eu.acme.com',
    hubspot_owner_id: '41629779',
    hs_parent_company_id: '9001',
    type: 'CUSTOMER',
    industry: 'MACHINERY',
    country: 'Germany',
    notes_last_updated: '2026-01-02T09:30:00.000Z',
    createdate: '2025-03-01T00:00:00.000Z',
    hs_lastmodifieddate: old,
    num_associated_contacts: '12',
    num_associated_deals: '3',
    hs_num_child_companies: '2',
  };
  const standIn = await startHubSpotStandIn({
    records: {
      companies,
      contacts: {
        '101': { email: 'ana@acme.de', associatedcompanyid: '9007', hubspot_owner_id: '41629779' },
        '102': { email: 'bo@acme.com', associatedcompanyid: '9007', hubspot_owner_id: '41629780' },
        '103': { email: 'cy@nowhere.example', associatedcompanyid: null, hubspot_owner_id: null },
      },
    },
    owners: [{ id: '41629779' }, { id: '41629780' }],
  });
  return {
    connector: () => aConnector({ baseUrl: standIn.url }),
    ids: Object.keys(companies).sort((a, b) => Number(a) - Number(b)),
    sample: {
      crm: 'hubspot',
      id: '9007',
      name: 'Acme GmbH',
      websites: ['acme.de', 'acme.com', 'eu.acme.com'],
      ownerCrmId: '41629779',
      parentId: '9001',
      recordType: 'CUSTOMER',
      lastActivityAt: Date.parse('2026-01-02T09:30:00.000Z'),
      createdAt: Date.parse('2025-03-01T00:00:00.000Z'),
      contacts: 12,
      opportunities: 3,
      children: 2,
      fields: { industry: 'MACHINERY', country: 'Germany' },
      modstamp: Date.parse(old),
    },
    // Every contact (the people mirror keeps those with no company too: accountId '').
    contacts: [
      { contactId: '101', accountId: '9007', email: 'ana@acme.de', ownerCrmId: '41629779' },
      { contactId: '102', accountId: '9007', email: 'bo@acme.com', ownerCrmId: '41629780' },
      { contactId: '103', accountId: '', email: 'cy@nowhere.example', ownerCrmId: null },
    ],
    reassign: (id) => standIn.putRecord('companies', id, { hubspot_owner_id: '41629780' }),
    remove: (id) => standIn.deleteRecord('companies', id),
    close: () => standIn.close(),
  };
}
