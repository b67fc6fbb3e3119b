// jsforce's real HTTP against nock: what reaches the wire for SOQL reads, users/queues, describe.
// (Writes and token calls, which carry a request body, are asserted on the stand-in: see write-owners.test.ts.)
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSalesforceConnector, type SalesforceDeps } from '../../../../connectors/salesforce/index.js';
import { AppError } from '../../../../src/errors.js';
import { aSalesforceConfig, fixtureJson, INSTANCE } from './helpers.js';

const API = '/services/data/v62.0';
const lead = (id: string) => ({ crm: 'salesforce' as const, objectType: 'Lead', id });

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

const make = (deps: SalesforceDeps = {}, over = {}) =>
  createSalesforceConnector(aSalesforceConfig(over), { random: () => 0.5, ...deps });

describe('fetchRecords', () => {
  it('reads the mapped fields with one SOQL query per 200 ids, ids escaped', async () => {
    const ids = Array.from({ length: 250 }, (_, i) => `00Q5g00000Lm${String(i).padStart(4, '0')}AAV`);
    const seen: string[] = [];
    const scope = nock(INSTANCE)
      .get(`${API}/query`)
      .query((p) => (seen.push(String(p['q'])), true))
      .times(2)
      .reply(200, {
        totalSize: 1,
        done: true,
        records: [{ attributes: { type: 'Lead' }, Id: '00Q5g00000Lm0000AAV', Email: 'a@b.example', Country: 'DE' }],
      });
    const records = await make().fetchRecords('Lead', ids, ['Email', 'Country', 'Id']);
    expect(scope.isDone()).toBe(true);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toMatch(/^SELECT Id, Email, Country FROM Lead WHERE Id IN \('00Q5g00000Lm0000AAV', /);
    expect(seen[0]!.match(/'/g)).toHaveLength(400);
    expect(seen[1]!.match(/'/g)).toHaveLength(100);
    expect(records[0]).toEqual({
      ref: lead('00Q5g00000Lm0000AAV'),
      fields: { Id: '00Q5g00000Lm0000AAV', Email: 'a@b.example', Country: 'DE' },
    });
  });

  it('escapes quotes in ids and refuses field names that could alter the query', async () => {
    let q = '';
    nock(INSTANCE)
      .get(`${API}/query`)
      .query((p) => ((q = String(p['q'])), true))
      .reply(200, { totalSize: 0, done: true, records: [] });
    await make().fetchRecords('Lead', ["x' OR Name != '"], ['Email']);
    expect(q).toBe("SELECT Id, Email FROM Lead WHERE Id IN ('x\\' OR Name != \\'')");
    await expect(make().fetchRecords('Lead', ['a'], ['Email FROM User --'])).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });
});

describe('listOwners and describeFields', () => {
  it('lists active users and queues', async () => {
    nock(INSTANCE)
      .get(`${API}/query`)
      .query({ q: "SELECT Id, Name, Email, IsActive FROM User WHERE IsActive = true AND UserType = 'Standard'" })
      .reply(200, {
        totalSize: 2,
        done: false,
        nextRecordsUrl: `${API}/query/01gD0000002HU6KIAW-2000`,
        records: [
          {
            attributes: { type: 'User' },
            Id: '0055g000003QrStAAK',
            Name: 'Ana Silva',
            Email: 'ana@acme.example',
            IsActive: true,
          },
        ],
      })
      .get(`${API}/query/01gD0000002HU6KIAW-2000`)
      .reply(200, {
        totalSize: 2,
        done: true,
        records: [
          {
            attributes: { type: 'User' },
            Id: '0055g000003QrSuAAK',
            Name: 'Bo Chen',
            Email: 'bo@acme.example',
            IsActive: true,
          },
        ],
      })
      .get(`${API}/query`)
      .query({ q: "SELECT Id, Name, Email FROM Group WHERE Type = 'Queue'" })
      .reply(200, {
        totalSize: 1,
        done: true,
        records: [{ attributes: { type: 'Group' }, Id: '00G5g000001WxYzEAK', Name: 'EMEA Leads', Email: null }],
      });
    expect(await make().listOwners()).toEqual([
      { id: '0055g000003QrStAAK', kind: 'user', active: true, email: 'ana@acme.example', name: 'Ana Silva' },
      { id: '0055g000003QrSuAAK', kind: 'user', active: true, email: 'bo@acme.example', name: 'Bo Chen' },
      { id: '00G5g000001WxYzEAK', kind: 'queue', active: true, name: 'EMEA Leads' },
    ]);
  });

  it('describes an sObject, with whether an update may set each field', async () => {
    nock(INSTANCE)
      .get(`${API}/sobjects/Lead/describe`)
      .reply(200, {
        name: 'Lead',
        fields: [
          { name: 'Email', label: 'Email', type: 'email', updateable: true },
          { name: 'NumberOfEmployees', label: 'Employees', type: 'int', updateable: true },
          { name: 'Route_Reason__c', label: 'Route Reason', type: 'string', updateable: true },
          { name: 'Score__c', label: 'Score', type: 'double', calculated: true, updateable: false },
        ],
      });
    expect(await make().describeFields('Lead')).toEqual([
      { name: 'Email', label: 'Email', type: 'email', updateable: true },
      { name: 'NumberOfEmployees', label: 'Employees', type: 'int', updateable: true },
      { name: 'Route_Reason__c', label: 'Route Reason', type: 'string', updateable: true },
      { name: 'Score__c', label: 'Score', type: 'double', updateable: false },
    ]);
  });

  it('stops calling once only the reserved daily API calls are left', async () => {
    nock(INSTANCE)
      .get(`${API}/sobjects/Lead/describe`)
      .reply(200, { fields: [] }, { 'Sforce-Limit-Info': 'api-usage=4990/5000' });
    const sf = make({}, { requestBudget: { reserveApiCalls: 10, maxRequestsPerMinute: 100 } });
    await sf.describeFields('Lead');
    const e = await sf.describeFields('Lead').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AppError);
    expect(e).toMatchObject({ code: 'CRM_RATE_LIMITED', details: { retryable: true } });
  });

  it('throws a classified AppError for a failed read', async () => {
    nock(INSTANCE).get(`${API}/sobjects/Lead/describe`).reply(403, fixtureJson('errors/request-limit-exceeded.json'));
    await expect(make().describeFields('Lead')).rejects.toMatchObject({
      code: 'CRM_RATE_LIMITED',
      message: expect.stringContaining('REQUEST_LIMIT_EXCEEDED'),
    });
  });
});
