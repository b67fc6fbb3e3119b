// Named regressions of issue 12 item 7 (poison input), on the real service: a NUL or a lone
// surrogate is a 400 naming the field on our JSON APIs and writes nothing; in a CRM batch the bad
// item is stored escaped as `refused` with its path and the rest is stored and acked; hostile
// SOAP is a Client fault. The random fuzz over every endpoint is public-endpoints.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestCrmEvents } from '../../src/pipeline/index.js';
import { outboundMessage, sfId } from '../support/salesforce-outbound.js';
import {
  editorToken,
  hubspotSigned,
  SF_OUTBOUND_TOKEN,
  startFuzzSystem,
  testApiKey,
  viewerToken,
  type FuzzSystem,
} from './fuzz-system.js';

let fz: FuzzSystem;
beforeAll(async () => {
  fz = await startFuzzSystem();
});
afterAll(async () => {
  await fz?.close();
});

const json = (method: 'POST' | 'PUT', url: string, body: unknown, headers: Record<string, string>) =>
  fz.sys.app.inject({
    method,
    url,
    headers: { 'content-type': 'application/json', ...headers },
    payload: JSON.stringify(body),
  });
const count = async (where = 'true') =>
  Number((await fz.sql.rows<{ n: string }>(`select count(*) n from inbound_events where ${where}`))[0]!.n);
const configRows = async () =>
  (
    await fz.sql.rows(
      `select (select count(*)::int from config_versions) versions, (select count(*)::int from config_drafts) drafts, (select count(*)::int from config_activations) activations`,
    )
  )[0];
const nulMessage = 'contains a NUL character (\\u0000), which cannot be stored';
const loneMessage = 'contains a lone UTF-16 surrogate, which is not valid Unicode';
const refusedMetric = async (source: string) =>
  (await fz.sys.rt.deps.metrics.eventsReceived.get()).values.find(
    (v) => v.labels.source === source && v.labels.outcome === 'refused',
  )?.value ?? 0;

describe('our JSON APIs: 400 VALIDATION_FAILED naming the field, nothing written', () => {
  const lead = (over: Record<string, unknown>) => ({
    source: 'web',
    idempotencyKey: 'poison-0001',
    lead: { email: 'ada@acme.example', ...over },
  });
  const cases = [
    {
      name: 'NUL in lead.email',
      body: lead({ email: 'ada\u0000@acme.example' }),
      path: 'body.lead.email',
      message: nulMessage,
    },
    {
      name: 'a lone high surrogate in lead.custom.note',
      body: lead({ custom: { note: 'x\ud800' } }),
      path: 'body.lead.custom.note',
      message: loneMessage,
    },
    {
      name: 'a lone low surrogate in an extra field',
      body: lead({ utm: '\udc00' }),
      path: 'body.lead.utm',
      message: loneMessage,
    },
    {
      name: 'NUL in a key',
      body: lead({ ['a\u0000b']: 1 }),
      path: 'body.lead["a\\u0000b"]',
      message: 'has a key with a NUL character (\\u0000), which cannot be stored',
    },
    { name: 'NUL in source', body: { ...lead({}), source: '\u0000' }, path: 'body.source', message: nulMessage },
  ];
  it.each(cases)('POST /v1/leads: $name', async ({ body, path, message }) => {
    const before = await count();
    const res = await json('POST', '/v1/leads', body, { 'x-api-key': testApiKey });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      code: 'VALIDATION_FAILED',
      message: `${path}: ${message}`,
      errors: [{ path, message }],
    });
    expect(await count()).toBe(before);
  });

  it('the admin API: a NUL deep in a config document, a publish, a draft, a rollback message', async () => {
    const before = await configRows();
    const doc = { mappings: {}, routing: { reps: [{ id: 'ana\u0000' }] } };
    const editor = { 'x-admin-token': editorToken };
    const publish = await json('POST', '/v1/admin/config/publish', { document: doc, message: 'poison' }, editor);
    expect(publish.statusCode).toBe(400);
    expect(publish.json().errors).toEqual([{ path: 'body.document.routing.reps[0].id', message: nulMessage }]);
    const draft = await json('POST', '/v1/admin/config/drafts', { name: 'n\ud800', document: doc }, editor);
    expect(draft.json().errors).toEqual([
      { path: 'body.name', message: loneMessage },
      { path: 'body.document.routing.reps[0].id', message: nulMessage },
    ]);
    const validate = await json(
      'POST',
      '/v1/admin/config/validate',
      { document: doc },
      { 'x-admin-token': viewerToken },
    );
    expect(validate.statusCode).toBe(400);
    const rollback = await json('POST', '/v1/admin/config/rollback', { version: 1, message: 'back\u0000' }, editor);
    expect(rollback.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'body.message' }] });
    expect(await configRows()).toEqual(before);
  });

  it('a document nested 100,000 deep is a 400 naming where, not a stack overflow (500)', async () => {
    const deep = `{"document":{"mappings":${'['.repeat(100_000)}${']'.repeat(100_000)}},"message":"deep"}`;
    const res = await fz.sys.app.inject({
      method: 'POST',
      url: '/v1/admin/config/publish',
      headers: { 'content-type': 'application/json', 'x-admin-token': editorToken },
      payload: deep,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toEqual({
      path: expect.stringMatching(/^body\.document\.mappings(\[0\]){62}$/),
      message: 'is nested deeper than 64 levels',
    });
  });

  it('router refusals in our shape, the path not echoed: a bad percent-escape, a 300-character path segment', async () => {
    const bad = await fz.sys.app.inject({
      url: `/webhooks/salesforce/${SF_OUTBOUND_TOKEN}%zz`,
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      payload: '<x/>',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'url: is not a valid URL: a percent-escape does not decode to UTF-8',
      errors: [{ path: 'url', message: 'is not a valid URL: a percent-escape does not decode to UTF-8' }],
    });
    const long = await fz.sys.app.inject({
      url: `/v1/leads/${'a'.repeat(300)}`,
      headers: { 'x-admin-token': viewerToken },
    });
    expect(long.statusCode).toBe(400);
    expect(long.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'params' }] });
  });

  it('route preview, and query strings (GET /v1/conflicts?crm=%00)', async () => {
    const preview = await json(
      'POST',
      '/v1/route/preview',
      { lead: { email: 'a@b.example', company: 'A\u0000' } },
      { 'x-admin-token': viewerToken },
    );
    expect(preview.json()).toEqual({
      code: 'VALIDATION_FAILED',
      message: `body.lead.company: ${nulMessage}`,
      errors: [{ path: 'body.lead.company', message: nulMessage }],
    });
    const conflicts = await fz.sys.app.inject({
      url: '/v1/conflicts?crm=%00',
      headers: { 'x-admin-token': viewerToken },
    });
    expect(conflicts.statusCode).toBe(400);
    expect(conflicts.json().errors).toEqual([{ path: 'query.crm', message: nulMessage }]);
  });
});

describe('a HubSpot batch: the bad item stored escaped as refused, the rest stored and acked', () => {
  const creation = (eventId: number, objectId: number, extra: object = {}) => ({
    eventId,
    subscriptionId: 1,
    portalId: 62515,
    occurredAt: Date.now(),
    subscriptionType: 'contact.creation',
    objectId,
    ...extra,
  });

  it('NUL in one event of three: 200, two stored for routing, one refused with its path and the original kept', async () => {
    const refusedBefore = await refusedMetric('hubspot');
    const bad = creation(90002, 9002, {
      subscriptionType: 'contact.propertyChange',
      propertyName: 'firstname',
      propertyValue: 'Ada\u0000Lovelace',
    });
    const body = JSON.stringify([creation(90001, 9001), bad, creation(90003, 9003)]);
    const res = await fz.sys.app.inject({
      method: 'POST',
      url: '/webhooks/hubspot',
      headers: hubspotSigned(body),
      payload: body,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ ok: true, stored: 2, duplicates: 0, refused: 1 });
    const rows = await fz.sql.rows<{ source_event_id: string; status: string; payload: { originalJson: string } }>(
      `select source_event_id, kind, object_type, record_id, status, last_error, payload from inbound_events where source_event_id like '9000_' order by 1`,
    );
    expect(rows.map((r) => [r.source_event_id, r.status])).toEqual([
      ['90001', 'received'],
      ['90002', 'refused'],
      ['90003', 'received'],
    ]);
    expect(rows[1]).toEqual({
      source_event_id: '90002',
      kind: 'updated',
      object_type: 'contact',
      record_id: '9002',
      status: 'refused',
      last_error: `body[1].propertyValue: ${nulMessage}`,
      payload: {
        refused: { errors: [{ path: 'body[1].propertyValue', message: nulMessage }] },
        original: { ...bad, propertyValue: 'Ada\\u0000Lovelace' },
        originalJson: JSON.stringify(bad),
      },
    });
    expect(JSON.parse(rows[1]!.payload.originalJson)).toEqual(bad);
    expect(await refusedMetric('hubspot')).toBe(refusedBefore + 1);

    const again = await fz.sys.app.inject({
      method: 'POST',
      url: '/webhooks/hubspot',
      headers: hubspotSigned(body),
      payload: body,
    });
    expect(again.json()).toMatchObject({ ok: true, stored: 0, duplicates: 3, refused: 0 });
  });

  it('a lone surrogate becomes U+FFFD in the stored copy; an item without a valid eventId gets a content id, stable across redelivery', async () => {
    const bad = {
      eventId: 'not-a-number',
      subscriptionType: 'contact.creation',
      objectId: 9005,
      occurredAt: 1,
      note: 'x\ud800',
    };
    const body = JSON.stringify([bad, creation(90004, 9004)]);
    const res = await fz.sys.app.inject({
      method: 'POST',
      url: '/webhooks/hubspot',
      headers: hubspotSigned(body),
      payload: body,
    });
    expect(res.json()).toMatchObject({ ok: true, stored: 1, duplicates: 0, refused: 1 });
    const [row] = await fz.sql.rows<{ payload: { original: { note: string }; originalJson: string } }>(
      `select source_event_id, status, last_error, payload from inbound_events where record_id = '9005'`,
    );
    expect(row).toMatchObject({
      source_event_id: expect.stringMatching(/^refused:[0-9a-f]{32}$/),
      status: 'refused',
      last_error: `body[0].note: ${loneMessage}`,
    });
    expect(row!.payload.original.note).toBe('x\ufffd');
    expect(JSON.parse(row!.payload.originalJson)).toEqual(bad);
    const again = await fz.sys.app.inject({
      method: 'POST',
      url: '/webhooks/hubspot',
      headers: hubspotSigned(body),
      payload: body,
    });
    expect(again.json()).toMatchObject({ ok: true, stored: 0, duplicates: 2, refused: 0 });
  });
});

describe('any source (CDC, polling): ingest refuses an event Postgres cannot store, and stores the rest', () => {
  it('a change event with a NUL in a field is refused with its path; its neighbour is stored', async () => {
    const event = (id: string, company: string) => ({
      sourceEventId: id,
      kind: 'created' as const,
      record: { crm: 'salesforce' as const, objectType: 'Lead', id: `00Q-${id}` },
      occurredAt: '2026-01-01T00:00:00Z',
      fields: { Company: company },
    });
    const result = await ingestCrmEvents(fz.sys.rt.deps, 'salesforce-cdc', [
      event('cdc-1', 'Acme\u0000'),
      event('cdc-2', 'Acme'),
    ]);
    expect(result).toMatchObject({ stored: 1, duplicates: 0, refused: 1 });
    const rows = await fz.sql.rows(
      `select source_event_id, status, last_error, payload->'original'->'fields'->>'Company' company from inbound_events where source = 'salesforce-cdc' order by 1`,
    );
    expect(rows).toEqual([
      {
        source_event_id: 'cdc-1',
        status: 'refused',
        last_error: `event.fields.Company: ${nulMessage}`,
        company: 'Acme\\u0000',
      },
      { source_event_id: 'cdc-2', status: 'received', last_error: null, company: null },
    ]);
  });
});

describe('ids past what an index entry holds (found by the fuzz: the whole batch answered 500)', () => {
  const randomDigits = (n: number) =>
    Array.from({ length: n }, (_, i) => String((i * 7919 + n) % 10))
      .join('')
      .replace(/^0/, '1');
  const randomId = (n: number) =>
    Buffer.from(Array.from({ length: n }, (_, i) => (i * 7919 + 13) % 251))
      .toString('base64')
      .slice(0, n);

  it('a HubSpot eventId of 3,000 digits: the event is refused under a content id, the rest stored', async () => {
    const body = JSON.stringify([
      { eventId: randomDigits(3000), subscriptionType: 'contact.creation', objectId: 9101, occurredAt: 1 },
      { eventId: 91002, subscriptionType: 'contact.creation', objectId: 9102, occurredAt: 1 },
    ]);
    const res = await fz.sys.app.inject({
      method: 'POST',
      url: '/webhooks/hubspot',
      headers: hubspotSigned(body),
      payload: body,
    });
    expect(res.json()).toMatchObject({ ok: true, stored: 1, duplicates: 0, refused: 1 });
    const [row] = await fz.sql.rows(
      `select source_event_id, status, last_error from inbound_events where record_id = '9101'`,
    );
    expect(row).toEqual({
      source_event_id: expect.stringMatching(/^refused:[0-9a-f]{32}$/),
      status: 'refused',
      last_error: 'event.sourceEventId: is longer than 255 characters',
    });
  });

  it('a Salesforce notification Id and record Id of 4,000 characters: refused alone, acked', async () => {
    const res = await fz.sys.app.inject({
      method: 'POST',
      url: `/webhooks/salesforce/${SF_OUTBOUND_TOKEN}`,
      headers: { 'content-type': 'text/xml; charset=utf-8' },
      payload: outboundMessage([
        { id: randomId(4000), fields: { Id: randomId(4000) } },
        { id: sfId('04l', 20, 'P'), fields: { Id: sfId('00Q', 20, 'P') } },
      ]),
    });
    expect(res.statusCode).toBe(200);
    const rows = await fz.sql.rows(
      `select status, last_error, length(record_id) n from inbound_events where source = 'salesforce' and (source_event_id like 'refused:%' or source_event_id = $1) order by status`,
      [sfId('04l', 20, 'P')],
    );
    expect(rows).toEqual([
      { status: 'received', last_error: null, n: 18 },
      {
        status: 'refused',
        last_error:
          'event.sourceEventId: is longer than 255 characters; event.record.id: is longer than 255 characters',
        n: 255,
      },
    ]);
  });
});

describe('a Salesforce outbound message', () => {
  const post = (xml: string) =>
    fz.sys.app.inject({
      method: 'POST',
      url: `/webhooks/salesforce/${SF_OUTBOUND_TOKEN}`,
      headers: { 'content-type': 'text/xml; charset=utf-8' },
      payload: xml,
    });
  const note = (i: number, fields: Record<string, string> = {}) => ({
    id: sfId('04l', i, 'P'),
    fields: { Id: sfId('00Q', i, 'P'), Email: `p${i}@acme.example`, ...fields },
  });

  it('NUL in one notification of three: acked, two stored, one refused naming its path', async () => {
    const res = await post(outboundMessage([note(1), note(2, { Company: 'Acme\u0000' }), note(3)]));
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<Ack>true</Ack>');
    const rows = await fz.sql.rows(
      `select source_event_id, status, last_error from inbound_events where source = 'salesforce' and source_event_id in ($1, $2, $3) order by 1`,
      [1, 2, 3].map((i) => sfId('04l', i, 'P')),
    );
    expect(rows).toEqual([
      { source_event_id: sfId('04l', 1, 'P'), status: 'received', last_error: null },
      {
        source_event_id: sfId('04l', 2, 'P'),
        status: 'refused',
        last_error: `body.Envelope.Body.notifications.Notification[1].sObject.Company: ${nulMessage}`,
      },
      { source_event_id: sfId('04l', 3, 'P'), status: 'received', last_error: null },
    ]);
  });

  const hostile = [
    {
      name: 'a __proto__ element',
      xml: () =>
        outboundMessage([note(10)]).replace(
          '</sObject>',
          '<sf:__proto__><polluted>yes</polluted></sf:__proto__></sObject>',
        ),
    },
    {
      name: 'a constructor element',
      xml: () =>
        outboundMessage([note(10)]).replace(
          '</sObject>',
          '<constructor><prototype><polluted>1</polluted></prototype></constructor></sObject>',
        ),
    },
    {
      name: 'a DOCTYPE with an external entity',
      xml: () =>
        outboundMessage([note(10, { City: '&xxe;' })]).replace(
          '<soapenv:Envelope',
          '<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><soapenv:Envelope',
        ),
    },
    {
      name: 'nesting 20,000 deep',
      xml: () =>
        outboundMessage([note(10)]).replace('</sObject>', `${'<a>'.repeat(20_000)}${'</a>'.repeat(20_000)}</sObject>`),
    },
    {
      name: '10,000 attributes',
      xml: () =>
        outboundMessage([note(10)]).replace(
          '<sObject ',
          `<sObject ${Array.from({ length: 10_000 }, (_, i) => `a${i}="1"`).join(' ')} `,
        ),
    },
    { name: 'a truncated message', xml: () => outboundMessage([note(10)]).slice(0, 400) },
  ];
  it.each(hostile)('$name: a Client fault (400), nothing stored, Object.prototype untouched', async ({ xml }) => {
    const before = await count();
    const res = await post(xml());
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('<faultcode>soapenv:Client</faultcode>');
    expect(res.body).toMatch(/<faultstring>VALIDATION_FAILED: body[^<]*<\/faultstring>/);
    expect(await count()).toBe(before);
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
