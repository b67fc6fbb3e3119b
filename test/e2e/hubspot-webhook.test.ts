// HubSpot end to end: the service in-process (real Postgres, BullMQ, fastify listening on a real
// port) with HUBSPOT_CONFIG pointing at the local stand-in HubSpot. A signed contact.creation
// webhook goes in; the contact's hubspot_owner_id comes out at the stand-in, once, and nothing
// else unless the published mapping names a reason property (reasonField). Signatures are computed over the real URL the service listens on (Host header), as
// HubSpot would sign the URL it calls.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mappedCrmFields } from '../../src/mapping/index.js';
import { readConfigFile, parseConfigDocument } from '../../src/config/index.js';
import { hubspotV3Signature, startHubSpotStandIn, type HubSpotStandIn } from '../support/hubspot-standin.js';
import { createTestDatabase, sqlClient, type TestDatabase } from '../support/services.js';
import { cleanupQueue, leadBody, startSystem, testApiKey, testEnv, type TestSystem } from '../support/system.js';
import { until } from '../support/until.js';

const clientSecret = 'e2e-client-secret-0001';
const token = 'pat-na1-e2e-0001';
const reasonProperty = 'lr_route_reason';
const configFile = 'fixtures/config/hubspot-e2e.yaml';
const editorToken = 'e2e-editor-token-0123456789';
const contact = (email: string) => ({
  email,
  firstname: 'Ada',
  lastname: 'Keller',
  company: 'ACME Robotics GmbH',
  country: 'Germany',
  numemployees: '50-100',
  hubspot_owner_id: null,
});

let tdb: TestDatabase;
let standIn: HubSpotStandIn;
let sys: TestSystem;
let sql: Awaited<ReturnType<typeof sqlClient>>;
let url: string;

beforeAll(async () => {
  tdb = await createTestDatabase();
  // The portal's contact properties, as publish asks for them: the mapped ones, the reason
  // property, and hs_object_id, which HubSpot computes (read-only).
  const parsed = parseConfigDocument(await readConfigFile(configFile));
  if (!parsed.ok) throw new Error('fixture config is invalid');
  const property = (name: string, readOnlyValue = false) => ({
    name,
    label: name,
    type: 'string',
    fieldType: 'text',
    modificationMetadata: { archivable: true, readOnlyDefinition: false, readOnlyValue },
  });
  const properties = [
    ...mappedCrmFields(parsed.doc.mappings['hubspot/contact']!)
      .filter((n) => n !== 'hs_object_id')
      .map((n) => property(n)),
    property(reasonProperty),
    property('hs_object_id', true),
  ];
  standIn = await startHubSpotStandIn({
    tokens: [token],
    records: {
      contacts: {
        '5001': contact('ada@acme-robotics.de'),
        '5002': contact('bo@acme-robotics.de'),
        '5003': contact('cy@acme-robotics.de'),
        '5004': contact('di@acme-robotics.de'),
        '5005': contact('ed@acme-robotics.de'),
      },
    },
    owners: [{ id: '101' }, { id: '102' }, { id: '103' }],
    properties: { contacts: properties },
  });
  const hubspot = { baseUrl: standIn.url, auth: { kind: 'private_app', token }, clientSecret };
  sys = await startSystem(
    testEnv(tdb.url, {
      HUBSPOT_CONFIG: JSON.stringify(hubspot),
      CONFIG_FILE: configFile,
      ADMIN_TOKENS: `editor:${editorToken}`,
      // The tests count CRM reads: the sweeper must not send a slow route (a loaded machine) again.
      SWEEP_AFTER_MS: '60000',
    }),
    { working: true, migrate: true },
  );
  const address = await sys.app.listen({ port: 0, host: '127.0.0.1' });
  url = `${address}/webhooks/hubspot`;
  sql = await sqlClient(tdb.url);
});

afterAll(async () => {
  await sys?.close();
  if (sys) await cleanupQueue(sys.rt.env);
  await standIn?.close();
  await sql?.end();
  await tdb?.drop();
});

function sign(method: string, signedUrl: string, body: string, timestamp: string, secret = clientSecret): string {
  return hubspotV3Signature(secret, method, signedUrl, body, timestamp);
}

/** POSTs a batch signed as HubSpot signs it; `tamper` changes one thing after signing. */
async function deliver(
  events: unknown,
  tamper: {
    body?: string;
    headers?: Record<string, string | undefined>;
    ageMs?: number;
    secret?: string;
    signedUrl?: string;
  } = {},
) {
  const body = JSON.stringify(events);
  const timestamp = String(Date.now() - (tamper.ageMs ?? 0));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-hubspot-request-timestamp': timestamp,
    'x-hubspot-signature-v3': sign('POST', tamper.signedUrl ?? url, body, timestamp, tamper.secret),
  };
  for (const [k, v] of Object.entries(tamper.headers ?? {})) {
    if (v === undefined) delete headers[k];
    else headers[k] = v;
  }
  const res = await fetch(url, { method: 'POST', headers, body: tamper.body ?? body });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const creation = (eventId: number, objectId: number) => ({
  eventId,
  subscriptionId: 2281001,
  portalId: 62515,
  appId: 1160452,
  attemptNumber: 0,
  occurredAt: Date.now(),
  subscriptionType: 'contact.creation',
  objectId,
  changeFlag: 'NEW',
  changeSource: 'CRM_UI',
});
const writesTo = (id: string) => standIn.writes.filter((w) => w.objectType === 'contacts' && w.id === id);
const counts = async () =>
  (
    await sql.rows<Record<string, string>>(
      `select (select count(*) from inbound_events) events, (select count(*) from assignments) assignments, (select count(*) from outbox) outbox`,
    )
  )[0];

describe('POST /webhooks/hubspot', () => {
  it('stores a signed contact.creation before the ack, reads exactly the mapped properties, and sets the owner once, and nothing else (no reasonField)', async () => {
    const res = await deliver([creation(7001, 5001)]);
    const eventId = (await sql.rows<{ id: string }>(`select id from inbound_events where source_event_id = '7001'`))[0]!
      .id;
    expect(res).toEqual({
      status: 200,
      json: {
        ok: true,
        stored: 1,
        duplicates: 0,
        refused: 0,
        events: [{ sourceEventId: '7001', eventId, leadUrl: `/v1/leads/${eventId}` }],
      },
    });
    // Acked means stored.
    const [ev] = await sql.rows(
      `select source, source_event_id, kind, crm, object_type, record_id from inbound_events where source_event_id = '7001'`,
    );
    expect(ev).toEqual({
      source: 'hubspot',
      source_event_id: '7001',
      kind: 'created',
      crm: 'hubspot',
      object_type: 'contact',
      record_id: '5001',
    });

    await until(() => writesTo('5001').length > 0, { what: 'the owner write at the stand-in' });
    expect(writesTo('5001')).toEqual([
      {
        objectType: 'contacts',
        id: '5001',
        properties: { hubspot_owner_id: '101' },
        objectWriteTraceId: expect.any(String),
      },
    ]);
    expect(standIn.record('contact', '5001')?.hubspot_owner_id).toBe('101');

    const parsed = parseConfigDocument(await readConfigFile(configFile));
    if (!parsed.ok) throw new Error('fixture config is invalid');
    // Routing reads the record once, with the mapping's properties. The account mirror's drain of
    // the same contact.creation (email, company, owner; docs/accounts.md) is a read of its own,
    // and may come before or after this look: it is not counted here.
    const mapped = [...mappedCrmFields(parsed.doc.mappings['hubspot/contact']!)].sort();
    const reads = standIn.requests
      .filter((r) => r.path === '/crm/v3/objects/contacts/batch/read')
      .map((r) => r.body as { inputs: unknown; properties: string[] })
      .filter((b) => b.properties.includes('firstname'));
    expect(reads).toHaveLength(1);
    expect(reads[0]!.inputs).toEqual([{ id: '5001' }]);
    expect([...reads[0]!.properties].sort()).toEqual(mapped);

    const outbox = await until(
      async () =>
        (
          await sql.rows(
            `select status, owner_id, extra_fields from outbox where record_id = '5001' and status = 'done'`,
          )
        )[0],
    );
    expect(outbox).toEqual({ status: 'done', owner_id: '101', extra_fields: null });

    // The ack's lead URL, HubSpot's own event id and the contact all name the routed lead.
    const base = url.replace(/\/webhooks\/hubspot$/, '');
    for (const path of [`/v1/leads/${eventId}`, '/v1/leads/hubspot:7001', '/v1/leads/hubspot:contact:5001']) {
      const lead = await fetch(base + path, { headers: { 'x-admin-token': editorToken } });
      expect(lead.status, path).toBe(200);
      expect(await lead.json(), path).toMatchObject({
        source: { crm: 'hubspot', objectType: 'contact', recordId: '5001' },
        owner: { crmOwnerId: '101' },
      });
    }
  });

  it('answers a redelivery of the same events 200 and changes nothing: the owner is still written once', async () => {
    const before = await counts();
    const again = await deliver([creation(7001, 5001)]);
    const eventId = (await sql.rows<{ id: string }>(`select id from inbound_events where source_event_id = '7001'`))[0]!
      .id;
    expect(again).toEqual({
      status: 200,
      json: {
        ok: true,
        stored: 0,
        duplicates: 1,
        refused: 0,
        events: [{ sourceEventId: '7001', eventId, leadUrl: `/v1/leads/${eventId}` }],
      },
    });
    expect(await counts()).toEqual(before);
    // A later lead flowing all the way through proves no stray job was left to write 5001 again.
    expect((await deliver([creation(7002, 5002)])).status).toBe(200);
    await until(() => writesTo('5002').length > 0, { what: 'the second contact written' });
    expect(writesTo('5001')).toHaveLength(1);
    expect(writesTo('5002')).toMatchObject([{ properties: { hubspot_owner_id: '102' } }]);
    const [a] = await sql.rows<{ n: string }>(
      `select count(*) n from assignments a join inbound_events e on e.id = a.event_id where e.source_event_id = '7001'`,
    );
    expect(a).toEqual({ n: '1' });
  });

  const refused: Array<{ name: string; tamper: Parameters<typeof deliver>[1]; code: string }> = [
    { name: 'a tampered body', tamper: { body: JSON.stringify([creation(7003, 5003)]) }, code: 'SIGNATURE_INVALID' },
    { name: 'a wrong secret', tamper: { secret: 'someone-elses-secret' }, code: 'SIGNATURE_INVALID' },
    {
      name: 'a signature for another URL',
      tamper: { signedUrl: 'https://evil.example/webhooks/hubspot' },
      code: 'SIGNATURE_INVALID',
    },
    { name: 'a stale timestamp', tamper: { ageMs: 301_000 }, code: 'SIGNATURE_STALE' },
    {
      name: 'no signature header',
      tamper: { headers: { 'x-hubspot-signature-v3': undefined } },
      code: 'SIGNATURE_MISSING',
    },
  ];

  it.each(refused)('refuses $name with 401 $code, stores nothing, and counts it', async ({ tamper, code }) => {
    const metric = async () =>
      Number(
        new RegExp(`webhook_signature_failures_total\\{crm="hubspot",code="${code}"\\} (\\d+)`).exec(
          (await sys.app.inject({ url: '/metrics' })).body,
        )?.[1] ?? 0,
      );
    const before = { rows: await counts(), failures: await metric() };
    const res = await deliver([creation(7003, 5003)], tamper);
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ code, message: expect.any(String) });
    expect(await counts()).toEqual(before.rows);
    expect(await metric()).toBe(before.failures + 1);
  });

  it('stores the good events of a batch with a malformed item, and the bad item as refused naming its path (HubSpot does not retry a 4xx)', async () => {
    const before = await counts();
    const res = await deliver([creation(7004, 5005), { ...creation(7005, 5005), objectId: undefined }]);
    expect(res).toMatchObject({ status: 200, json: { ok: true, stored: 1, duplicates: 0, refused: 1 } });
    const rows = await sql.rows(
      `select source_event_id, status, last_error from inbound_events where source_event_id in ('7004', '7005') order by source_event_id`,
    );
    expect(rows).toEqual([
      { source_event_id: '7004', status: expect.not.stringMatching(/^refused$/), last_error: null },
      { source_event_id: '7005', status: 'refused', last_error: expect.stringMatching(/^body\[1\]\.objectId: /) },
    ]);
    // The good one is routed; the refused one never is.
    await until(() => writesTo('5005').length > 0, { what: 'the good event of the batch written' });
    const [refusedRow] = await sql.rows(
      `select status, (select count(*) from assignments a where a.event_id = e.id)::int assignments from inbound_events e where source_event_id = '7005'`,
    );
    expect(refusedRow).toEqual({ status: 'refused', assignments: 0 });
    const notArray = await deliver({ eventId: 1 });
    expect(notArray).toMatchObject({
      status: 400,
      json: {
        code: 'VALIDATION_FAILED',
        errors: [{ path: 'body', message: 'must be a JSON array of webhook events' }],
      },
    });
    const notJson = await deliver([], { body: '[{"eventId": 1,' });
    expect(notJson).toMatchObject({ status: 401 }); // the signature covers the bytes: checked first
    expect(Number((await counts())!.events)).toBe(Number(before!.events) + 2);
  });

  it('stores contact.propertyChange on hubspot_owner_id as ownerChanged with changeSource and sourceId, and routes nothing', async () => {
    const user = JSON.parse(readFileSync('fixtures/hubspot/webhooks/owner-changed-by-user.json', 'utf8')) as object[];
    const integration = JSON.parse(
      readFileSync('fixtures/hubspot/webhooks/owner-changed-by-integration.json', 'utf8'),
    ) as object[];
    const before = await counts();
    const res = await deliver([...integration, ...user, creation(7006, 5003)]);
    expect(res).toMatchObject({ status: 200, json: { ok: true, stored: 3, duplicates: 0, refused: 0 } });
    const rows = await until(async () => {
      const r = await sql.rows<{
        source_event_id: string;
        kind: string;
        status: string;
        payload: Record<string, unknown>;
      }>(
        `select source_event_id, kind, status, payload from inbound_events where source_event_id in ('1002', '1003') and status = 'done' order by source_event_id`,
      );
      return r.length === 2 ? r : undefined;
    });
    expect(
      rows.map((r) => ({
        ...r,
        payload: {
          kind: r.payload.kind,
          newOwnerId: r.payload.newOwnerId,
          changeSource: r.payload.changeSource,
          sourceId: r.payload.sourceId,
        },
      })),
    ).toEqual([
      {
        source_event_id: '1002',
        kind: 'ownerChanged',
        status: 'done',
        payload: { kind: 'ownerChanged', newOwnerId: '41629779', changeSource: 'INTEGRATION', sourceId: '1160452' },
      },
      {
        source_event_id: '1003',
        kind: 'ownerChanged',
        status: 'done',
        payload: { kind: 'ownerChanged', newOwnerId: '41629780', changeSource: 'CRM_UI', sourceId: 'userId:9586504' },
      },
    ]);
    // Only the creation in the batch is routed.
    await until(() => writesTo('5003').length > 0, { what: 'the creation in the mixed batch written' });
    const after = await counts();
    expect(Number(after!.assignments) - Number(before!.assignments)).toBe(1);
  });

  it('keeps the default JSON parser on every other route', async () => {
    const res = await sys.app.inject({
      method: 'POST',
      url: '/v1/leads',
      headers: { 'content-type': 'application/json', 'x-api-key': testApiKey },
      payload: JSON.stringify(leadBody('hs-e2e-0001')),
    });
    expect(res.statusCode).toBe(202);
  });
});

describe('the route-reason property (mappings["hubspot/contact"].reasonField)', () => {
  const publish = async (reasonField: string) => {
    const doc = structuredClone(await readConfigFile(configFile)) as {
      mappings: Record<string, Record<string, unknown>>;
    };
    doc.mappings['hubspot/contact']!.reasonField = reasonField;
    return sys.app.inject({
      method: 'POST',
      url: '/v1/admin/config/publish',
      headers: { 'x-admin-token': editorToken },
      payload: { message: `reason in ${reasonField}`, document: doc },
    });
  };

  it.each([
    { field: 'lr_missing', message: "property 'lr_missing' does not exist in HubSpot contact" },
    {
      field: 'hs_object_id',
      message: "property 'hs_object_id' of HubSpot contact is read-only: owner writes cannot set it",
    },
  ])(
    'refuses to publish a reasonField the portal lacks or cannot update ($field): 422 naming the path',
    async ({ field, message }) => {
      const res = await publish(field);
      expect(res.statusCode).toBe(422);
      expect(res.json()).toEqual({
        code: 'CONFIG_INVALID',
        message: expect.any(String),
        errors: [{ path: 'mappings["hubspot/contact"].reasonField', message }],
      });
      expect(await sql.rows(`select version from config_versions order by version`)).toEqual([{ version: 1 }]);
    },
  );

  it('once published, writes the reason in that property beside the owner', async () => {
    expect((await publish(reasonProperty)).statusCode).toBe(201);
    expect((await deliver([creation(7010, 5004)])).status).toBe(200);
    await until(() => writesTo('5004').length > 0, { what: 'the owner write with its reason' });
    expect(writesTo('5004')).toEqual([
      {
        objectType: 'contacts',
        id: '5004',
        properties: {
          hubspot_owner_id: expect.stringMatching(/^10[123]$/),
          [reasonProperty]: 'everyone: ROUND_ROBIN_NEXT',
        },
        objectWriteTraceId: expect.any(String),
      },
    ]);
    const [row] = await sql.rows(`select extra_fields from outbox where record_id = '5004'`);
    expect(row).toEqual({ extra_fields: { [reasonProperty]: 'everyone: ROUND_ROBIN_NEXT' } });
  });
});

describe('fixtures/config/hubspot-e2e.yaml', () => {
  it('carries fixtures/mappings/hubspot-contact.yaml verbatim as hubspot/contact', () => {
    const doc = parseYaml(readFileSync(configFile, 'utf8')) as { mappings: Record<string, unknown> };
    expect(doc.mappings['hubspot/contact']).toEqual(
      parseYaml(readFileSync('fixtures/mappings/hubspot-contact.yaml', 'utf8')),
    );
  });
});
