// The real SDK doing real HTTP to nock: paths, bodies and headers HubSpot would receive.
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aConnector, baseUrl, bodyReply, fixture, token } from './support.js';

const auth = { authorization: `Bearer ${token}` };

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('fetchRecords', () => {
  it('batch-reads contacts with exactly the properties asked, Bearer token, and returns exactly those fields', async () => {
    const scope = nock(baseUrl, { reqheaders: { ...auth, 'content-type': /application\/json/ } })
      .post('/crm/v3/objects/contacts/batch/read', {
        inputs: [{ id: '5002' }, { id: '5001' }],
        properties: ['email', 'country', 'hubspot_owner_id'],
        propertiesWithHistory: [],
      })
      .query({ archived: 'false' })
      .reply(200, fixture('api/batch-read-contacts-200.json'));
    const records = await aConnector().fetchRecords(
      'contact',
      ['5002', '5001', '5002'],
      ['email', 'country', 'hubspot_owner_id'],
    );
    expect(records).toEqual([
      {
        ref: { crm: 'hubspot', objectType: 'contact', id: '5002' },
        fields: { email: 'bo@globex.io', country: 'France', hubspot_owner_id: '41629779' },
      },
      {
        ref: { crm: 'hubspot', objectType: 'contact', id: '5001' },
        fields: { email: 'ana@acme.com', country: 'Germany', hubspot_owner_id: null },
      },
    ]);
    expect(scope.isDone()).toBe(true);
  });

  it('chunks at 100 ids per request', async () => {
    const ids = Array.from({ length: 250 }, (_, i) => String(10_000 + i));
    const sizes: number[] = [];
    const r = bodyReply(200, (b: { inputs: Array<{ id: string }> }) => {
      sizes.push(b.inputs.length);
      return {
        status: 'COMPLETE',
        results: b.inputs.map(({ id }) => ({
          id,
          properties: { email: `${id}@x.io` },
          createdAt: '2026-03-02T10:00:00Z',
          updatedAt: '2026-03-02T10:00:00Z',
        })),
        startedAt: '2026-03-02T10:00:00Z',
        completedAt: '2026-03-02T10:00:00Z',
      };
    });
    const scope = nock(baseUrl)
      .post('/crm/v3/objects/contacts/batch/read', r.match)
      .query(true)
      .times(3)
      .reply(...r.reply);
    const records = await aConnector().fetchRecords('contact', ids, ['email']);
    expect(sizes).toEqual([100, 100, 50]);
    expect(records.map((r) => r.ref.id)).toEqual(ids);
    expect(scope.isDone()).toBe(true);
  });

  it('leaves out records HubSpot reports as not found (207)', async () => {
    nock(baseUrl)
      .post('/crm/v3/objects/contacts/batch/read')
      .query(true)
      .reply(207, fixture('api/batch-read-contacts-207.json'));
    const records = await aConnector().fetchRecords('contact', ['5001', '99999'], ['email']);
    expect(records.map((r) => r.ref.id)).toEqual(['5001']);
  });

  it('reads other object types through the generic objects API', async () => {
    const scope = nock(baseUrl, { reqheaders: auth })
      .post('/crm/v3/objects/leads/batch/read', {
        inputs: [{ id: '7001' }],
        properties: ['hs_lead_name'],
        propertiesWithHistory: [],
      })
      .query(true)
      .reply(200, {
        status: 'COMPLETE',
        results: [
          {
            id: '7001',
            properties: { hs_lead_name: 'Acme' },
            createdAt: '2026-03-02T10:00:00Z',
            updatedAt: '2026-03-02T10:00:00Z',
          },
        ],
        startedAt: '2026-03-02T10:00:00Z',
        completedAt: '2026-03-02T10:00:00Z',
      });
    expect(
      await aConnector({ objectTypes: ['contact', 'lead'] }).fetchRecords('lead', ['7001'], ['hs_lead_name']),
    ).toEqual([{ ref: { crm: 'hubspot', objectType: 'lead', id: '7001' }, fields: { hs_lead_name: 'Acme' } }]);
    expect(scope.isDone()).toBe(true);
  });
});

describe('writeOwners', () => {
  it('batch-updates hubspot_owner_id (+ extraFields verbatim, e.g. the reason property) with writeId as objectWriteTraceId', async () => {
    const scope = nock(baseUrl, { reqheaders: auth })
      .post('/crm/v3/objects/contacts/batch/update', {
        inputs: [
          {
            id: '5001',
            properties: { hubspot_owner_id: '41629779', lr_route_reason: 'rule de-enterprise' },
            objectWriteTraceId: 'w-1',
          },
          {
            id: '5002',
            properties: { hubspot_owner_id: '41629780', lr_route_reason: 'default pool' },
            objectWriteTraceId: 'w-2',
          },
        ],
      })
      .reply(200, fixture('api/batch-update-contacts-200.json'));
    const results = await aConnector().writeOwners([
      {
        writeId: 'w-1',
        ref: { crm: 'hubspot', objectType: 'contact', id: '5001' },
        ownerId: '41629779',
        extraFields: { lr_route_reason: 'rule de-enterprise' },
      },
      {
        writeId: 'w-2',
        ref: { crm: 'hubspot', objectType: 'contact', id: '5002' },
        ownerId: '41629780',
        extraFields: { lr_route_reason: 'default pool' },
      },
    ]);
    expect(results).toEqual([
      { writeId: 'w-1', ok: true },
      { writeId: 'w-2', ok: true },
    ]);
    expect(scope.isDone()).toBe(true);
  });

  it('sends the owner alone when a write has no extraFields (no reason field configured)', async () => {
    const scope = nock(baseUrl)
      .post('/crm/v3/objects/contacts/batch/update', {
        inputs: [{ id: '5001', properties: { hubspot_owner_id: '41629779' }, objectWriteTraceId: 'w-1' }],
      })
      .reply(200, fixture('api/batch-update-contacts-200.json'));
    const results = await aConnector().writeOwners([
      { writeId: 'w-1', ref: { crm: 'hubspot', objectType: 'contact', id: '5001' }, ownerId: '41629779' },
    ]);
    expect(results).toEqual([{ writeId: 'w-1', ok: true }]);
    expect(scope.isDone()).toBe(true);
  });

  it('chunks at 100 and never names one record twice in a batch', async () => {
    const sizes: number[] = [];
    const repeated: string[] = [];
    const r = bodyReply(200, (b: { inputs: Array<{ id: string }> }) => {
      sizes.push(b.inputs.length);
      if (new Set(b.inputs.map((i) => i.id)).size !== b.inputs.length) repeated.push('batch with a repeated id');
      return {
        status: 'COMPLETE',
        results: b.inputs.map(({ id }) => ({ id, properties: {}, createdAt: 'x', updatedAt: 'x' })),
        startedAt: 'x',
        completedAt: 'x',
      };
    });
    nock(baseUrl)
      .post('/crm/v3/objects/contacts/batch/update', r.match)
      .times(3)
      .reply(...r.reply);
    const writes = Array.from({ length: 150 }, (_, i) => ({
      writeId: `w-${i}`,
      ref: { crm: 'hubspot' as const, objectType: 'contact', id: String(6000 + i) },
      ownerId: '41629779',
    }));
    writes.push({
      writeId: 'w-again',
      ref: { crm: 'hubspot', objectType: 'contact', id: '6000' },
      ownerId: '41629780',
    });
    const results = await aConnector().writeOwners(writes);
    expect(sizes).toEqual([100, 51]);
    expect(repeated).toEqual([]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.map((r) => r.writeId)).toEqual(writes.map((w) => w.writeId));
  });
});

describe('listOwners', () => {
  it('pages through /crm/v3/owners/ (active, then archived) and maps to CrmOwner', async () => {
    const scope = nock(baseUrl, { reqheaders: auth })
      .get('/crm/v3/owners/')
      .query({ limit: '100', archived: 'false' })
      .reply(200, fixture('api/owners-page-1.json'))
      .get('/crm/v3/owners/')
      .query({ after: '41629779', limit: '100', archived: 'false' })
      .reply(200, fixture('api/owners-page-2.json'))
      .get('/crm/v3/owners/')
      .query({ limit: '100', archived: 'true' })
      .reply(200, fixture('api/owners-archived.json'));
    expect(await aConnector().listOwners()).toEqual([
      { id: '41629779', kind: 'user', email: 'ana@example.com', name: 'Ana Alves', active: true },
      { id: '41629780', kind: 'user', email: 'bo@example.com', name: 'Bo Berg', active: true },
      { id: '50000001', kind: 'queue', active: true },
      { id: '41629700', kind: 'user', email: 'cy@example.com', name: 'Cy Cole', active: false },
    ]);
    expect(scope.isDone()).toBe(true);
  });
});

describe('describeFields', () => {
  it('reads /crm/v3/properties/contacts and returns name, label, type, and whether a write may set it', async () => {
    // hs_object_id as HubSpot describes it: calculated, so its value is read-only.
    const calculated = {
      name: 'hs_object_id',
      label: 'Record ID',
      type: 'number',
      fieldType: 'number',
      groupName: 'contactinformation',
      options: [],
      modificationMetadata: { archivable: false, readOnlyDefinition: true, readOnlyValue: true },
    };
    const { results } = fixture<{ results: object[] }>('api/properties-contacts.json');
    const scope = nock(baseUrl, { reqheaders: auth })
      .get('/crm/v3/properties/contacts')
      .query({ archived: 'false' })
      .reply(200, { results: [...results, calculated] });
    expect(await aConnector().describeFields('contact')).toEqual([
      { name: 'email', label: 'Email', type: 'string', updateable: true },
      { name: 'country', label: 'Country/Region', type: 'string', updateable: true },
      { name: 'hubspot_owner_id', label: 'Contact owner', type: 'enumeration', updateable: true },
      { name: 'numemployees', label: 'Number of Employees', type: 'enumeration', updateable: true },
      { name: 'createdate', label: 'Create Date', type: 'datetime', updateable: true },
      { name: 'hs_object_id', label: 'Record ID', type: 'number', updateable: false },
    ]);
    expect(scope.isDone()).toBe(true);
  });

  it('an unknown object type -> CRM_NOT_FOUND, not retried', async () => {
    const scope = nock(baseUrl).get('/crm/v3/properties/widgets').query(true).once().reply(404, {
      status: 'error',
      message: 'Unable to infer object type from: widgets',
      category: 'OBJECT_NOT_FOUND',
    });
    await expect(aConnector().describeFields('widgets')).rejects.toMatchObject({
      code: 'CRM_NOT_FOUND',
      details: { retryable: false, hubspotStatus: 404 },
    });
    expect(scope.isDone()).toBe(true);
  });
});
