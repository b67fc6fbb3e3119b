// The HubSpot connector against the shared CrmConnector contract (test/contract/crm-connector.ts).
import { createHmac } from 'node:crypto';
import nock from 'nock';
import { runCrmConnectorContract } from '../../../contract/crm-connector.js';
import { aConnector, baseUrl, fakeClock, fixture, t0, token, webhookSecret } from './support.js';

const url = 'https://router.example.com/webhooks/hubspot';
const rawBody = JSON.stringify(fixture('webhooks/mixed-batch.json'));

function signed(body: string, ts = t0 - 2_000, secret = webhookSecret) {
  const signature = createHmac('sha256', secret).update(`POST${url}${body}${ts}`).digest('base64');
  return { method: 'POST', url, rawBody: body, headers: { 'content-type': 'application/json', 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': String(ts) } };
}

const readPath = '/crm/v3/objects/contacts/batch/read';
const fetchBody = { inputs: [{ id: '5001' }, { id: '5002' }], properties: ['email', 'country'], propertiesWithHistory: [] };
const ref = (id: string) => ({ crm: 'hubspot' as const, objectType: 'contact', id });

runCrmConnectorContract('hubspot', () => ({
  connector: () => aConnector({}, fakeClock()),
  secrets: [token, webhookSecret],
  now: new Date(t0),
  webhook: {
    valid: signed(rawBody),
    events: [
      { kind: 'created', sourceEventId: '2001', record: ref('5002'), occurredAt: new Date(1772445600000).toISOString() },
      { kind: 'created', sourceEventId: '2004', record: ref('5004'), occurredAt: new Date(1772445603000).toISOString() },
      { kind: 'ownerChanged', sourceEventId: '2005', record: ref('5002'), occurredAt: new Date(1772445604000).toISOString(), newOwnerId: '41629779', changeSource: 'INTEGRATION', sourceId: '1160452', changedBy: '1160452' },
    ],
    rejected: [
      { name: 'unsigned', req: { ...signed(rawBody), headers: { 'content-type': 'application/json' } }, code: 'SIGNATURE_MISSING' },
      { name: 'tampered body', req: { ...signed(rawBody), rawBody: rawBody.replace('5002', '5009') }, code: 'SIGNATURE_INVALID' },
      { name: 'wrong secret', req: signed(rawBody, t0 - 2_000, 'someone-else'), code: 'SIGNATURE_INVALID' },
      { name: 'stale', req: signed(rawBody, t0 - 10 * 60_000), code: 'SIGNATURE_STALE' },
    ],
    malformed: signed(JSON.stringify(fixture('webhooks/malformed-missing-object-id.json'))),
  },
  fetch: {
    objectType: 'contact',
    ids: ['5001', '5002'],
    fields: ['email', 'country'],
    mock: () => nock(baseUrl, { reqheaders: { authorization: `Bearer ${token}` } }).post(readPath, fetchBody).query(true).reply(200, fixture('api/batch-read-contacts-200.json')),
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
    mock: () => nock(baseUrl).get('/crm/v3/properties/contacts').query(true).reply(200, { results: [fixture<{ results: object[] }>('api/properties-contacts.json').results[0]] }),
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
    mock: () => nock(baseUrl).post(readPath).query(true).once().reply(401, fixture<{ body: object }>('errors/401-invalid-authentication.json').body),
  },
}));
