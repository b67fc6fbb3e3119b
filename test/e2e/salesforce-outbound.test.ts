// The service in-process (real Postgres, BullMQ, fastify) with the Salesforce connector pointed at
// the local REST stand-in: outbound messages in, OwnerId out, exactly once per record, and no
// other field unless the published mapping names a reason field (reasonField) the org has.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACK_TRUE } from '../../connectors/salesforce/index.js';
import { root } from '../support/cli.js';
import { startSalesforceStandin, type SalesforceStandin } from '../support/salesforce-standin.js';
import {
  aLeadRecord,
  standinOrg,
  outboundMessage,
  SF_ACCESS_TOKEN,
  SF_ORG_ID,
  SF_OUTBOUND_TOKEN,
  sfId,
  someFields,
  type Notification,
  standinSalesforceConfig,
} from '../support/salesforce-outbound.js';
import { createTestDatabase, sqlClient, type TestDatabase } from '../support/services.js';
import { cleanupQueue, leadBody, startSystem, testApiKey, testEnv, type TestSystem } from '../support/system.js';
import { until } from '../support/until.js';

const N = 40;
const REPS = ['0055g00000AnaAAAA1', '0055g00000BoCAAAA2', '0055g00000CyOAAAA3'];
const records = Array.from({ length: N + 10 }, (_, i) => aLeadRecord(i));
const editorToken = 'sf-e2e-editor-token-0123456789';

let tdb: TestDatabase;
let rest: SalesforceStandin;
let sys: TestSystem;
let sql: Awaited<ReturnType<typeof sqlClient>>;

beforeAll(async () => {
  tdb = await createTestDatabase();
  // The org's Lead has a custom text field Route_Reason__c (the stand-in knows the fields its records carry).
  rest = await startSalesforceStandin(standinOrg(records.map((r) => ({ ...r, Route_Reason__c: null }))));
  const env = testEnv(tdb.url, {
    SALESFORCE_CONFIG: standinSalesforceConfig(rest.url, { retryBaseDelayMs: 10 }),
    CONFIG_FILE: `${root}fixtures/config/salesforce-e2e.yaml`,
    ADMIN_TOKENS: `editor:${editorToken}`,
  });
  sys = await startSystem(env, { working: true, migrate: true });
  sql = await sqlClient(tdb.url);
});

afterAll(async () => {
  await sys?.close();
  if (sys) await cleanupQueue(sys.rt.env);
  await sql?.end();
  await rest?.close();
  await tdb?.drop();
});

const post = (xml: string, token = SF_OUTBOUND_TOKEN, contentType = 'text/xml; charset=utf-8') =>
  sys.app.inject({
    method: 'POST',
    url: `/webhooks/salesforce/${token}`,
    headers: { 'content-type': contentType, soapaction: '""' },
    payload: xml,
  });

const note = (i: number, fields = someFields(records[i]!)): Notification => ({ id: sfId('04l', i), fields });
const writesOf = (id: string) => rest.writes.filter((w) => w.id === id);
const count = async (table: string) => Number((await sql.rows<{ n: string }>(`select count(*) n from ${table}`))[0]!.n);

describe('POST /webhooks/salesforce/:token', () => {
  it(`stores ${N} notifications before the SOAP ack, then sets each OwnerId in Salesforce exactly once`, async () => {
    const ids = Array.from({ length: N }, (_, i) => i);
    const res = await post(outboundMessage(ids.map((i) => note(i))));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(res.body).toBe(ACK_TRUE);
    // Acked means stored: every notification has its row the moment the ack is out.
    const stored = await sql.rows<{ source_event_id: string }>(
      `select source_event_id from inbound_events where source = 'salesforce' order by source_event_id`,
    );
    expect(stored.map((r) => r.source_event_id)).toEqual(ids.map((i) => sfId('04l', i)));
    // Our event ids travel in a header only (the SOAP body above is exactly the Ack), in message order.
    const eventIds = await sql.rows<{ id: string; source_event_id: string }>(
      `select id, source_event_id from inbound_events where source = 'salesforce'`,
    );
    const idOf = new Map(eventIds.map((r) => [r.source_event_id, r.id]));
    expect(res.headers['x-event-ids']).toBe(ids.map((i) => idOf.get(sfId('04l', i))).join(','));
    expect(res.headers.location).toBeUndefined(); // several notifications: no single lead URL

    await until(() => ids.every((i) => writesOf(records[i]!.Id as string).length > 0), {
      timeoutMs: 15_000,
      what: 'every owner written',
    });
    for (const i of ids) {
      const [w, ...more] = writesOf(records[i]!.Id as string);
      expect(more).toEqual([]);
      // Exactly the owner: the config names no reason field, so nothing else is sent.
      expect(w!.fields).toEqual({ OwnerId: expect.stringMatching(new RegExp(`^(${REPS.join('|')})$`)) });
      expect(w!.headers).toEqual({ 'sforce-auto-assign': 'FALSE', 'sforce-call-options': 'client=lead-router' });
      expect(rest.records.get('Lead')!.get(records[i]!.Id as string)!['OwnerId']).toBe(w!.fields['OwnerId']);
    }
    // On the wire too: every record of every collections PATCH is { attributes, id, OwnerId }.
    const patched = rest.requests
      .filter((r) => r.method === 'PATCH')
      .flatMap((r) => (JSON.parse(r.body) as { records: Array<Record<string, unknown>> }).records);
    expect(patched.length).toBeGreaterThanOrEqual(N);
    for (const rec of patched) expect(Object.keys(rec).sort()).toEqual(['OwnerId', 'attributes', 'id']);
    // Round robin over three reps: 40 leads split 14/13/13.
    const perRep = REPS.map((r) => rest.writes.filter((w) => w.fields['OwnerId'] === r).length).sort();
    expect(perRep).toEqual([13, 13, 14]);
    // The message carried only some mapped fields: the records were read, several per query
    // (how many depends on how route jobs meet in a batch; the bench measures it).
    expect(rest.queries.length).toBeGreaterThan(0);
    expect(rest.queries.length).toBeLessThan(N);
    expect(rest.queries.every((q) => q.startsWith('SELECT ') && q.includes(' FROM Lead WHERE Id IN ('))).toBe(true);
    // The stand-in saw the write before the outbox row was marked done: wait for the row.
    await until(async () => (await count(`outbox where status = 'done'`)) === N, { what: 'outbox rows done' });
    expect(await count('assignments')).toBe(N);
    // The org's own API count (Sforce-Limit-Info on every answer) is in the metrics.
    const usage = await sys.rt.deps.metrics.registry.getSingleMetricAsString('crm_api_usage');
    expect(usage).toMatch(/crm_api_usage\{crm="salesforce",kind="used"\} [1-9]\d*/);
    expect(usage).toContain('crm_api_usage{crm="salesforce",kind="limit"} 15000');
  });

  it('acks a redelivered message again and writes nothing more', async () => {
    const before = { writes: rest.writes.length, events: await count('inbound_events') };
    const res = await post(outboundMessage(Array.from({ length: N }, (_, i) => note(i))));
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(ACK_TRUE);
    expect(await count('inbound_events')).toBe(before.events);
    // A later message is a barrier: once its owner is written, a second write of the first batch would have shown.
    const barrier = await post(outboundMessage([note(N)]));
    expect(barrier.statusCode).toBe(200);
    expect(barrier.body).toBe(ACK_TRUE);
    const barrierEvent = (
      await sql.rows<{ id: string }>(`select id from inbound_events where source_event_id = $1`, [sfId('04l', N)])
    )[0]!.id;
    expect(barrier.headers).toMatchObject({ 'x-event-ids': barrierEvent, location: `/v1/leads/${barrierEvent}` });
    await until(() => writesOf(records[N]!.Id as string).length === 1, { what: 'the barrier lead written' });
    expect(rest.writes.length).toBe(before.writes + 1);
    expect(await count('assignments')).toBe(N + 1);
  });

  it('routes on the carried fields without reading Salesforce when the message holds every mapped field', async () => {
    const queries = rest.queries.length;
    const i = N + 1;
    const Id = records[i]!.Id as string;
    expect((await post(outboundMessage([note(i, records[i]!)]))).statusCode).toBe(200);
    await until(() => writesOf(Id).length === 1, { what: 'the owner written' });
    expect(rest.queries.length).toBe(queries);
  });

  const refusals = [
    {
      name: 'a wrong path token',
      xml: () => outboundMessage([note(N + 2)]),
      token: 'wrong-token-0123456789abcdef',
      status: 401,
      code: 'SIGNATURE_INVALID',
    },
    {
      name: 'another org',
      xml: () => outboundMessage([note(N + 2)], '00D5g000009ZzZzEAK'),
      status: 401,
      code: 'UNAUTHORIZED',
    },
    {
      name: 'malformed XML',
      xml: () => outboundMessage([note(N + 2)]).replace('</notifications>', ''),
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: '101 notifications',
      xml: () =>
        outboundMessage(
          Array.from({ length: 101 }, (_, k) => ({ id: sfId('04l', 500 + k), fields: { Id: sfId('00Q', 500 + k) } })),
        ),
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'a JSON body',
      xml: () => JSON.stringify({ OrganizationId: SF_ORG_ID }),
      contentType: 'application/json',
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    },
  ];

  it.each(refusals)(
    'answers $name with a SOAP fault $status ($code) and stores nothing',
    async ({ xml, token, contentType, status, code }) => {
      const events = await count('inbound_events');
      const res = await post(xml(), token, contentType);
      expect(res.statusCode).toBe(status);
      expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
      expect(res.body).toContain('<faultcode>soapenv:Client</faultcode>');
      expect(res.body).toMatch(new RegExp(`<faultstring>${code}: [^<]+</faultstring>`));
      expect(await count('inbound_events')).toBe(events);
    },
  );

  it('counts refused tokens and orgs as signature failures, and never logs or echoes the token', async () => {
    const metrics = await sys.rt.deps.metrics.registry.getSingleMetricAsString('webhook_signature_failures_total');
    expect(metrics).toContain('webhook_signature_failures_total{crm="salesforce",code="SIGNATURE_INVALID"} 1');
    expect(metrics).toContain('webhook_signature_failures_total{crm="salesforce",code="UNAUTHORIZED"} 1');
    const res = await post(outboundMessage([note(N + 2)]), 'x'.repeat(40));
    expect(res.body).not.toContain('x'.repeat(40));
  });

  it('keeps JSON on the other routes (the XML parser is scoped to this route)', async () => {
    const res = await sys.app.inject({
      method: 'POST',
      url: '/v1/leads',
      headers: { 'content-type': 'application/json', 'x-api-key': testApiKey },
      payload: JSON.stringify(leadBody('sf-json-0001')),
    });
    expect(res.statusCode).toBe(202);
  });

  describe('the reason field (mappings["salesforce/Lead"].reasonField)', () => {
    const publish = (reasonField: string) => {
      const doc = parseYaml(readFileSync(`${root}fixtures/config/salesforce-e2e.yaml`, 'utf8')) as {
        mappings: Record<string, Record<string, unknown>>;
      };
      doc.mappings['salesforce/Lead']!.reasonField = reasonField;
      return sys.app.inject({
        method: 'POST',
        url: '/v1/admin/config/publish',
        headers: { 'x-admin-token': editorToken },
        payload: { message: `reason in ${reasonField}`, document: doc },
      });
    };

    it("refuses to publish a field the org's Lead lacks (what was sent before: routeReason): 422 naming the path", async () => {
      const res = await publish('routeReason');
      expect(res.statusCode).toBe(422);
      expect(res.json()).toEqual({
        code: 'CONFIG_INVALID',
        message: expect.any(String),
        errors: [
          {
            path: 'mappings["salesforce/Lead"].reasonField',
            message: "field 'routeReason' does not exist in Salesforce Lead",
          },
        ],
      });
      expect(await sql.rows(`select version from config_versions order by version`)).toEqual([{ version: 1 }]);
    });

    it('once published, sets that field to the reason with the owner', async () => {
      expect((await publish('Route_Reason__c')).statusCode).toBe(201);
      const i = N + 3;
      const Id = records[i]!.Id as string;
      expect((await post(outboundMessage([note(i)]))).statusCode).toBe(200);
      await until(() => writesOf(Id).length === 1, { what: 'the owner written with its reason' });
      expect(writesOf(Id)[0]!.fields).toEqual({
        OwnerId: expect.stringMatching(new RegExp(`^(${REPS.join('|')})$`)),
        Route_Reason__c: 'everyone: ROUND_ROBIN_NEXT',
      });
      expect(rest.records.get('Lead')!.get(Id)!['Route_Reason__c']).toBe('everyone: ROUND_ROBIN_NEXT');
    });
  });

  it('uses the same Lead mapping as fixtures/mappings/salesforce-lead.yaml', () => {
    const doc = parseYaml(readFileSync(`${root}fixtures/config/salesforce-e2e.yaml`, 'utf8')) as {
      mappings: Record<string, unknown>;
    };
    expect(doc.mappings['salesforce/Lead']).toEqual(
      parseYaml(readFileSync(`${root}fixtures/mappings/salesforce-lead.yaml`, 'utf8')),
    );
  });
});
