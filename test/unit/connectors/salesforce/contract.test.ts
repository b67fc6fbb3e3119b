// The Salesforce connector against the shared CrmConnector contract (test/contract/crm-connector.ts).
// The base cases run jsforce's real HTTP (through the connector's transport) against nock; the
// strict cases against the REST stand-in (test/support/salesforce-standin.ts) on a real socket.
import nock from 'nock';
import { createSalesforceConnector, type SalesforceConfigInput } from '../../../../connectors/salesforce/index.js';
import type { OwnerWrite } from '../../../../src/connector.js';
import {
  runCrmConnectorContract,
  type AccountsContractSetup,
  type StrictContractSetup,
} from '../../../contract/crm-connector.js';
import { salesforceFaults, startSalesforceStandin } from '../../../support/salesforce-standin.js';
import { aSalesforceConfig, fixture, fixtureJson, INSTANCE, OUTBOUND_TOKEN } from './helpers.js';

const API = '/services/data/v62.0';
const ACCESS_TOKEN = 'test-access-token-00000';
const now = new Date('2025-07-15T21:13:00.000Z');
const noWait = { now: () => now, sleep: async () => undefined, random: () => 0.5 };
const lead = (id: string) => ({ crm: 'salesforce' as const, objectType: 'Lead', id });

const L1 = '00Q5g00000LmNoPEAV';
const L2 = '00Q5g00000LmNoQEAV';
const L3 = '00Q5g00000LmNoREAV';
const ANA = '0055g000003QrStAAK';
const BO = '0055g000003QrSuAAK';
const GONE = '0055g000003QrSvAAK'; // deactivated user
const QUEUE = '00G5g000001WxYzEAK';

const outbound = (file: string, token: string | null = OUTBOUND_TOKEN) => ({
  method: 'POST',
  url: `https://router.example/webhooks/salesforce/${token}`,
  rawBody: fixture(`outbound/${file}`),
  headers: { 'content-type': 'text/xml; charset=utf-8' },
  ...(token === null ? {} : { params: { token } }),
});
const query = (records: object[]) => ({ totalSize: records.length, done: true, records });

runCrmConnectorContract('salesforce', () => ({
  connector: () => createSalesforceConnector(aSalesforceConfig({ maxRetries: 1 }), noWait),
  secrets: [ACCESS_TOKEN, OUTBOUND_TOKEN],
  origins: {
    // Our REST calls carry Sforce-Call-Options client=lead-router (the default), which CDC reports back.
    ours: [{ changeSource: 'com/salesforce/api/rest/60.0;client=lead-router' }],
    others: [
      { changeSource: 'com/salesforce/api/rest/60.0;client=sfdx toolbelt' },
      { changeSource: 'com/salesforce/api/soap/60.0' },
      { changedBy: '005000000000001AAA' },
    ],
  },
  fieldPaths: {
    known: ['Email', 'Country', 'AccountId', 'Partner__c'],
    cases: [
      { path: 'Email', expected: 'unknown field' },
      { path: 'Account.Name', expected: 'readable' },
      { path: 'Partner__r.Tier__c', expected: 'readable' },
      { path: 'Owner.Email', expected: 'refused' },
      { path: 'Campaign__r.Name', expected: 'refused' },
    ],
  },
  now,
  webhook: {
    valid: outbound('lead-single.xml'),
    events: [
      {
        kind: 'created',
        sourceEventId: '04l5g00000FgHiJAAV',
        record: lead(L1),
        occurredAt: '2025-07-15T21:12:05.000Z',
        fields: {
          Id: L1,
          Company: 'Acme Corp',
          Country: 'US',
          Email: 'pat.lee@acme.example',
          FirstName: 'Pat',
          LastModifiedDate: '2025-07-15T21:12:05.000Z',
          LastName: 'Lee',
          LeadSource: 'Web',
          OwnerId: QUEUE,
          Status: 'Open - Not Contacted',
        },
      },
    ],
    rejected: [
      { name: 'no path token', req: outbound('lead-single.xml', null), code: 'UNAUTHORIZED' },
      {
        name: 'wrong path token',
        req: outbound('lead-single.xml', 'someone-elses-token-0000000000'),
        code: 'SIGNATURE_INVALID',
      },
      { name: 'another org', req: outbound('lead-wrong-org.xml'), code: 'UNAUTHORIZED' },
    ],
    malformed: outbound('lead-malformed.xml'),
  },
  fetch: {
    objectType: 'Lead',
    ids: [L1, L2],
    fields: ['Email', 'Country'],
    mock: () =>
      nock(INSTANCE, { reqheaders: { authorization: `Bearer ${ACCESS_TOKEN}` } })
        .get(`${API}/query`)
        .query({ q: `SELECT Id, Email, Country FROM Lead WHERE Id IN ('${L1}', '${L2}')` })
        .reply(
          200,
          query([
            { attributes: { type: 'Lead' }, Id: L1, Email: 'pat@acme.example', Country: 'US' },
            { attributes: { type: 'Lead' }, Id: L2, Email: 'sam@globex.example', Country: 'DE' },
          ]),
        ),
    expected: [
      { ref: lead(L1), fields: { Id: L1, Email: 'pat@acme.example', Country: 'US' } },
      { ref: lead(L2), fields: { Id: L2, Email: 'sam@globex.example', Country: 'DE' } },
    ],
  },
  write: {
    writes: [
      { writeId: 'w-1', ref: lead(L1), ownerId: ANA },
      { writeId: 'w-2', ref: lead(L2), ownerId: BO },
    ],
    mock: () =>
      nock(INSTANCE)
        .patch(`${API}/composite/sobjects`, {
          allOrNone: false,
          records: [
            { attributes: { type: 'Lead' }, id: L1, OwnerId: ANA },
            { attributes: { type: 'Lead' }, id: L2, OwnerId: BO },
          ],
        })
        .matchHeader('sforce-auto-assign', 'FALSE')
        .reply(200, [{ id: L1, success: true, errors: [] }, ...fixtureJson<object[]>('errors/entity-is-deleted.json')]),
    expected: [
      { writeId: 'w-1', ok: true },
      { writeId: 'w-2', ok: false, code: 'CRM_NOT_FOUND', retryable: false },
    ],
  },
  owners: {
    mock: () =>
      nock(INSTANCE)
        .get(`${API}/query`)
        .query({ q: "SELECT Id, Name, Email, IsActive FROM User WHERE IsActive = true AND UserType = 'Standard'" })
        .reply(
          200,
          query([
            { attributes: { type: 'User' }, Id: ANA, Name: 'Ana Silva', Email: 'ana@acme.example', IsActive: true },
          ]),
        )
        .get(`${API}/query`)
        .query({ q: "SELECT Id, Name, Email FROM Group WHERE Type = 'Queue'" })
        .reply(200, query([{ attributes: { type: 'Group' }, Id: QUEUE, Name: 'EMEA Leads', Email: null }])),
    expected: [
      { id: ANA, kind: 'user', active: true, email: 'ana@acme.example', name: 'Ana Silva' },
      { id: QUEUE, kind: 'queue', active: true, name: 'EMEA Leads' },
    ],
  },
  fields: {
    objectType: 'Lead',
    mock: () =>
      nock(INSTANCE)
        .get(`${API}/sobjects/Lead/describe`)
        .reply(200, { name: 'Lead', fields: [{ name: 'Email', label: 'Email', type: 'email' }] }),
    expected: [{ name: 'Email', label: 'Email', type: 'email' }],
  },
  rateLimitedFetch: {
    mock: () =>
      nock(INSTANCE)
        .get(`${API}/query`)
        .query(true)
        .reply(429, [{ message: 'Too many requests', errorCode: 'REQUEST_LIMIT_EXCEEDED_CONCURRENT' }], {
          'Retry-After': '1',
        })
        .get(`${API}/query`)
        .query(true)
        .reply(
          200,
          query([
            { attributes: { type: 'Lead' }, Id: L1, Email: 'pat@acme.example', Country: 'US' },
            { attributes: { type: 'Lead' }, Id: L2, Email: 'sam@globex.example', Country: 'DE' },
          ]),
        ),
  },
  authFailure: {
    mock: () =>
      nock(INSTANCE).get(`${API}/query`).query(true).once().reply(401, fixtureJson('errors/invalid-session.json')),
  },
  strict,
  accounts,
}));

// The strict part: a refresh-token install whose token endpoint is the stand-in's.
const CLIENT_SECRET = 'client-secret-7f3a9c2e1d';
const REFRESH = 'refresh-token-5b8e4d1a0c';

async function strict(): Promise<StrictContractSetup> {
  const sf = await startSalesforceStandin({
    refreshToken: REFRESH,
    records: {
      Lead: [
        { Id: L1, OwnerId: QUEUE, Email: 'pat@acme.example', Country: 'US' },
        { Id: L2, OwnerId: QUEUE, Email: 'sam@globex.example', Country: 'DE' },
        { Id: L3, OwnerId: QUEUE, Email: 'kim@initech.example', Country: 'FR' },
      ],
      User: [
        { Id: ANA, Name: 'Ana Silva', IsActive: true, UserType: 'Standard' },
        { Id: BO, Name: 'Bo Berg', IsActive: true, UserType: 'Standard' },
        { Id: GONE, Name: 'Gone Person', IsActive: false, UserType: 'Standard' },
      ],
      Group: [{ Id: QUEUE, Name: 'EMEA Leads', Type: 'Queue' }],
    },
  });
  const config = (over: Partial<SalesforceConfigInput> = {}) =>
    aSalesforceConfig({
      instanceUrl: undefined,
      loginUrl: sf.url,
      auth: { kind: 'refresh_token', clientId: 'cid', clientSecret: CLIENT_SECRET, refreshToken: REFRESH },
      maxRetries: 1,
      ...over,
    });
  const write = (n: number, id: string, ownerId: string, extraFields?: Record<string, string>): OwnerWrite => ({
    writeId: `w-${n}`,
    ref: lead(id),
    ownerId,
    ...(extraFields && { extraFields }),
  });
  // The published reason field (mappings[...].reasonField) was deleted in the org since: the connector sends extraFields verbatim.
  const unknown = (n: number) => write(n, L3, ANA, { Route_Reason__c: 'rule emea' });
  return {
    standIn: sf,
    connector: (opts = {}) => createSalesforceConnector(config(opts), noWait),
    secrets: [CLIENT_SECRET, REFRESH, OUTBOUND_TOKEN],
    fetch: {
      objectType: 'Lead',
      ids: [L1, L2],
      fields: ['Email', 'Country'],
      expected: [
        { ref: lead(L1), fields: { Id: L1, Email: 'pat@acme.example', Country: 'US' } },
        { ref: lead(L2), fields: { Id: L2, Email: 'sam@globex.example', Country: 'DE' } },
      ],
    },
    writes: [write(1, L1, ANA), write(2, L2, QUEUE)],
    ownerOf: (r) => sf.records.get(r.objectType)?.get(r.id)?.['OwnerId'] as string | undefined,
    invalidOwner: write(3, L3, GONE),
    deleted: { write: write(4, L3, ANA), remove: () => sf.deleteRecord('Lead', L3) },
    unknownField: [
      {
        name: 'refused per record (SaveResult INVALID_FIELD)',
        field: 'Route_Reason__c',
        write: unknown(5),
        arrange: () => (sf.unknownFieldMode = 'record'),
      },
      {
        name: 'refused for the whole request (400 INVALID_FIELD)',
        field: 'Route_Reason__c',
        write: unknown(6),
        arrange: () => (sf.unknownFieldMode = 'request'),
      },
    ],
    faults: {
      serverErrorWithCode: salesforceFaults.unknownException(),
      unavailableWithoutCode: salesforceFaults.unavailableHtml(),
      rateLimited: salesforceFaults.tooManyRequests(1),
      rateLimitedNoRetryAfter: salesforceFaults.tooManyRequests(),
      dailyLimit: { fault: salesforceFaults.requestLimitExceeded(), retryAfterMs: 900_000 },
      quoting: (token) => ({
        kind: 'status',
        status: 500,
        body: [{ message: `session ${token} could not be used for this call`, errorCode: 'UNKNOWN_EXCEPTION' }],
      }),
    },
  };
}

// Accounts for the account mirror: 250 over three queryMore batches of 100, stamped in the past.
async function accounts(): Promise<AccountsContractSetup> {
  const old = '2026-01-05T08:00:00.000+0000';
  const id = (n: number) => `001${String(n).padStart(12, '0')}AAA`;
  const rows: Array<Record<string, unknown> & { Id: string }> = [];
  for (let i = 1; i <= 250; i++)
    rows.push({ Id: id(i), Name: `Company ${i}`, Website: `company${i}.example`, OwnerId: ANA, SystemModstamp: old });
  const sample = id(7);
  rows[6] = {
    Id: sample,
    Name: 'Acme GmbH',
    Website: 'https://www.acme.de/en',
    OwnerId: ANA,
    ParentId: id(1),
    Industry: 'Machinery',
    BillingCountry: 'Germany',
    LastActivityDate: '2026-01-02',
    CreatedDate: '2025-03-01T00:00:00.000+0000',
    SystemModstamp: old,
  };
  const sf = await startSalesforceStandin({
    queryBatchSize: 100,
    records: {
      Account: rows,
      Contact: [
        { Id: '0035g00000C1', AccountId: sample, Email: 'ana@acme.de', OwnerId: ANA, SystemModstamp: old },
        { Id: '0035g00000C2', AccountId: sample, Email: 'bo@acme.com', OwnerId: BO, SystemModstamp: old },
        { Id: '0035g00000C3', AccountId: null, Email: 'cy@nowhere.example', OwnerId: BO, SystemModstamp: old },
      ],
      Opportunity: [
        { Id: '0065g00000O1', AccountId: sample },
        { Id: '0065g00000O2', AccountId: sample },
      ],
      User: [
        { Id: ANA, Name: 'Ana Silva', IsActive: true, UserType: 'Standard' },
        { Id: BO, Name: 'Bo Berg', IsActive: true, UserType: 'Standard' },
      ],
    },
  });
  return {
    connector: () =>
      createSalesforceConnector(
        aSalesforceConfig({ instanceUrl: sf.url, auth: { kind: 'access_token', accessToken: 'standin-access-token' } }),
        noWait,
      ),
    ids: rows.map((r) => r.Id),
    sample: {
      crm: 'salesforce',
      id: sample,
      name: 'Acme GmbH',
      websites: ['https://www.acme.de/en'],
      ownerCrmId: ANA,
      parentId: id(1),
      recordType: null,
      lastActivityAt: Date.parse('2026-01-02'),
      createdAt: Date.parse('2025-03-01T00:00:00.000Z'),
      contacts: 0,
      opportunities: 2,
      children: 0,
      fields: { Industry: 'Machinery', BillingCountry: 'Germany' },
      modstamp: Date.parse('2026-01-05T08:00:00.000Z'),
    },
    // Every contact (the people mirror keeps those with no account too: accountId '').
    contacts: [
      { contactId: '0035g00000C1', accountId: sample, email: 'ana@acme.de', ownerCrmId: ANA },
      { contactId: '0035g00000C2', accountId: sample, email: 'bo@acme.com', ownerCrmId: BO },
      { contactId: '0035g00000C3', accountId: '', email: 'cy@nowhere.example', ownerCrmId: BO },
    ],
    reassign: (accountId) => sf.putRecord('Account', { Id: accountId, OwnerId: BO }),
    remove: (accountId) => sf.deleteRecord('Account', accountId),
    close: () => sf.close(),
  };
}
