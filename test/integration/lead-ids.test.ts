// "One id a user can use" against real Postgres and Redis: the 202's eventId/Location resolves
// through GET /v1/leads/:id (pending before routing, the lead after), every id form resolves, and
// GET /v1/leads filters and pages. Config: DE -> pool de (ana), US -> pool us (bo), else unassigned.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { testApiKey, useTestSystem } from '../support/system.js';
import { until } from '../support/until.js';

const viewerToken = 'viewer-token-0123456789';
const viewer = { 'x-admin-token': viewerToken };
const config = `
mappings:
  api/lead:
    fields:
      - { from: email, to: email }
      - { from: country, to: country }
routing:
  reps:
    - { id: ana, name: Ana Lopez, crmIds: { hubspot: "101" } }
    - { id: bo, name: Bo Chen, crmIds: { hubspot: "102" } }
  pools:
    - { id: de, strategy: round_robin, members: [ana] }
    - { id: us, strategy: round_robin, members: [bo] }
  rules:
    - { id: germany, when: { field: country, op: in, value: [DE] }, action: { pool: de } }
    - { id: america, when: { field: country, op: in, value: [US] }, action: { pool: us } }
`;

const sys = useTestSystem(() => {
  const dir = mkdtempSync(join(tmpdir(), 'lead-ids-'));
  writeFileSync(join(dir, 'config.yaml'), config);
  // Not working yet: the first test sees an event before routing runs.
  return { env: { ADMIN_TOKENS: `viewer:${viewerToken}`, CONFIG_FILE: join(dir, 'config.yaml') }, migrate: true };
});

const get = (url: string) => sys.app.inject({ method: 'GET', url, headers: viewer });
const post = (key: string, lead: Record<string, unknown>, source = 'web-form') =>
  sys.app.inject({
    method: 'POST',
    url: '/v1/leads',
    headers: { 'x-api-key': testApiKey },
    payload: { source, idempotencyKey: key, lead },
  });
const routed = (eventId: string) =>
  until(
    async () =>
      (await sys.sql.rows<{ lead_id: string }>(`select lead_id from assignments where event_id = $1`, [eventId]))[0]
        ?.lead_id,
    { what: `lead of event ${eventId}` },
  );

describe('the id in the 202', () => {
  let eventId: string;

  it('is the event id, with its lead URL in the body and in Location; GET answers 202 with the event status before routing', async () => {
    const res = await post('ids-first-0001', { email: 'first@first.example', country: 'DE' });
    expect(res.statusCode).toBe(202);
    eventId = res.json().eventId;
    expect(res.json()).toEqual({ eventId, status: 'accepted', leadUrl: `/v1/leads/${eventId}` });
    expect(res.headers.location).toBe(`/v1/leads/${eventId}`);

    const pending = await get(res.headers.location as string);
    expect(pending.statusCode).toBe(202);
    const [ev] = await sys.sql.rows<{ received_at: Date }>(`select received_at from inbound_events where id = $1`, [
      eventId,
    ]);
    expect(pending.json()).toEqual({
      leadId: null,
      eventId,
      status: 'received',
      event: {
        source: 'api:web-form',
        sourceEventId: 'ids-first-0001',
        kind: 'created',
        record: { crm: 'api', objectType: 'lead', recordId: 'ids-first-0001' },
        attempts: 0,
        lastError: null,
        nextAttemptAt: null,
        receivedAt: ev!.received_at.toISOString(),
        processedAt: null,
      },
    });
    const decision = await get(`/v1/leads/${eventId}/decision?format=text`);
    expect(decision.statusCode).toBe(202);
    expect(decision.body).toBe(
      `Event ${eventId} from api:web-form, received ${ev!.received_at.toISOString()}: not routed yet.\n`,
    );
  });

  it('resolves to the lead once routed; a duplicate POST answers 200 with the same id and URL', async () => {
    sys.rt.startWorking();
    const leadId = await routed(eventId);
    const res = await get(`/v1/leads/${eventId}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-location']).toBe(`/v1/leads/${leadId}`);
    expect(res.json()).toMatchObject({ id: leadId, lead: { email: 'first@first.example' }, owner: { repId: 'ana' } });

    const again = await post('ids-first-0001', { email: 'first@first.example', country: 'DE' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ eventId, status: 'duplicate', leadUrl: `/v1/leads/${eventId}` });
    expect(again.headers.location).toBe(`/v1/leads/${eventId}`);
  });
});

describe('GET /v1/leads/:id id forms', () => {
  let first: string;
  let second: string;
  let leadId: string;

  beforeAll(async () => {
    // One CRM-side record (externalId) routed twice: DE first, then US.
    first = (
      await post('ids-twice-0001', { externalId: 'rec:42', email: 'twice@twice.example', country: 'DE' }, 'partner:eu')
    ).json().eventId;
    leadId = await routed(first);
    second = (
      await post('ids-twice-0002', { externalId: 'rec:42', email: 'twice@twice.example', country: 'US' }, 'partner:eu')
    ).json().eventId;
    expect(await routed(second)).toBe(leadId);
  });

  it('resolves the lead id, either event id, source:key (with ":" in source and key), api:source:key and crm:objectType:recordId to one lead', async () => {
    const forms = [
      leadId,
      leadId.toUpperCase(),
      first,
      second,
      'partner:eu:ids-twice-0001',
      'api:partner:eu:ids-twice-0002',
      'api:lead:rec:42',
      encodeURIComponent('api:lead:rec:42'),
    ];
    for (const form of forms) {
      const res = await get(`/v1/leads/${form}`);
      expect(res.statusCode, form).toBe(200);
      expect(res.json().id, form).toBe(leadId);
      expect(res.json().owner, form).toMatchObject({ repId: 'bo' }); // its current owner, after the second routing
    }
  });

  it('answers /decision with the latest decision whichever event is named', async () => {
    for (const form of [first, 'partner:eu:ids-twice-0001', 'api:lead:rec:42']) {
      const res = await get(`/v1/leads/${encodeURIComponent(form)}/decision`);
      expect(res.statusCode, form).toBe(200);
      expect(res.json(), form).toMatchObject({
        leadId,
        eventId: second,
        outcome: 'assigned',
        decision: { poolId: 'us', ruleId: 'america' },
      });
      expect(res.headers['content-location']).toBe(`/v1/leads/${leadId}/decision`);
    }
  });

  it('answers 404 naming what was looked up', async () => {
    const cases: Array<[string, string]> = [
      [
        '00000000-0000-4000-8000-000000000000',
        'lead 00000000-0000-4000-8000-000000000000 was not found (looked up as a lead id and as an event id)',
      ],
      [
        'hubspot:contact:999',
        'lead hubspot:contact:999 was not found (looked up as the CRM record hubspot/contact/999 and as source:idempotencyKey (source "hubspot", key "contact:999", and 1 other split(s)))',
      ],
      [
        'web-form:nope',
        'lead web-form:nope was not found (looked up as source:idempotencyKey (source "web-form", key "nope"))',
      ],
      [
        'not-an-id',
        'lead not-an-id was not found (looked up nowhere: it is not a uuid (lead id, event id) and has no ":" (source:idempotencyKey, crm:objectType:recordId))',
      ],
    ];
    for (const [form, message] of cases) {
      const res = await get(`/v1/leads/${encodeURIComponent(form)}`);
      expect(res.statusCode, form).toBe(404);
      expect(res.json()).toEqual({ code: 'NOT_FOUND', message });
      expect((await get(`/v1/leads/${encodeURIComponent(form)}/decision`)).json()).toEqual({
        code: 'NOT_FOUND',
        message,
      });
    }
    // The router caps a path segment at 100 characters, before any lookup.
    const long = await get(`/v1/leads/${'x'.repeat(101)}`);
    expect(long.statusCode).toBe(400);
    expect(long.json().errors).toEqual([{ path: 'params', message: 'a path segment is longer than 100 characters' }]);
  });
});

describe('GET /v1/leads', () => {
  // Seeded one at a time, so each has its own routed time.
  const seeds = [
    { key: 'list-de-0001', email: 'de1@alpha.example', country: 'DE' },
    { key: 'list-us-0001', email: 'us1@beta.example', country: 'US' },
    { key: 'list-fr-0001', email: 'fr1@alpha.example', country: 'FR' },
    { key: 'list-de-0002', email: 'de2@gamma.example', country: 'DE' },
    { key: 'list-us-0002', email: 'US2@Gamma.example', country: 'US' },
  ];
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    for (const s of seeds)
      ids[s.key] = await routed((await post(s.key, { email: s.email, country: s.country })).json().eventId);
  });

  const list = async (query: string) => {
    const res = await get(`/v1/leads?${query}`);
    expect(res.statusCode, `${query}: ${res.body}`).toBe(200);
    return res.json() as {
      leads: Array<{ id: string; email: string; decision: { routedAt: string; receivedAt: string } | null }>;
      nextCursor: string | null;
    };
  };
  const idsOf = async (query: string) => (await list(query)).leads.map((l) => l.id).sort();
  const of = (...keys: string[]) => keys.map((k) => ids[k]!).sort();

  it('lists every lead newest first with its owner and current decision', async () => {
    const page = await list('');
    const count = (await sys.sql.rows<{ n: string }>(`select count(*) n from leads`))[0]!.n;
    expect(page.leads).toHaveLength(Number(count));
    expect(page.nextCursor).toBeNull();
    expect(page.leads[0]).toMatchObject({
      id: ids['list-us-0002'],
      url: `/v1/leads/${ids['list-us-0002']}`,
      email: 'us2@gamma.example',
      domain: 'gamma.example',
      owner: { repId: 'bo', crmOwnerId: 'bo' },
      decision: { outcome: 'assigned', poolId: 'us', ruleId: 'america', reasonCode: 'ROUND_ROBIN_NEXT' },
    });
    expect(page.leads.find((l) => l.id === ids['list-fr-0001'])).toMatchObject({
      owner: null,
      decision: { outcome: 'unassigned', poolId: null, ruleId: null, reasonCode: 'NO_RULE_MATCHED' },
    });
  });

  it('narrows by email, domain, owner, pool, rule, outcome and time ranges', async () => {
    expect(await idsOf('email=DE1%40alpha.example')).toEqual(of('list-de-0001'));
    expect(await idsOf('email=us2%40gamma.example')).toEqual(of('list-us-0002'));
    expect(await idsOf('domain=alpha.example&outcome=assigned')).toEqual(of('list-de-0001'));
    const alpha = await idsOf('domain=alpha.example');
    expect(alpha).toEqual(expect.arrayContaining(of('list-de-0001', 'list-fr-0001')));
    expect(alpha.every((id) => id !== ids['list-us-0001'])).toBe(true);
    expect(await idsOf('domain=gamma.example')).toEqual(of('list-de-0002', 'list-us-0002'));
    expect(await idsOf('owner=bo&domain=gamma.example')).toEqual(of('list-us-0002')); // API leads' CRM owner id is the rep id
    expect(await idsOf('owner=ana&email=de2%40gamma.example')).toEqual(of('list-de-0002'));
    expect(await idsOf('outcome=unassigned')).toEqual(of('list-fr-0001'));
    const de = await idsOf('pool=de');
    expect(de).toEqual(expect.arrayContaining(of('list-de-0001', 'list-de-0002')));
    expect(de).not.toContain(ids['list-us-0001']);
    expect(await idsOf('rule=america&domain=beta.example')).toEqual(of('list-us-0001'));

    const all = (await list('')).leads;
    const at = (key: string) => all.find((l) => l.id === ids[key])!.decision!;
    const from = at('list-fr-0001');
    expect(await idsOf(`routedFrom=${from.routedAt}&routedTo=${at('list-us-0002').routedAt}`)).toEqual(
      of('list-fr-0001', 'list-de-0002'),
    );
    expect(await idsOf(`receivedFrom=${encodeURIComponent(from.receivedAt)}&domain=alpha.example`)).toEqual(
      of('list-fr-0001'),
    );
    expect(await idsOf(`receivedTo=${encodeURIComponent(from.receivedAt)}&domain=alpha.example`)).toEqual(
      of('list-de-0001'),
    );
  });

  it('pages through every lead once, with no duplicates, at any page size', async () => {
    const everyone = await idsOf('');
    for (const limit of [1, 2, 3]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let pages = 0; pages < 50; pages++) {
        const page = await list(`limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.leads.length).toBeLessThanOrEqual(limit);
        seen.push(...page.leads.map((l) => l.id));
        cursor = page.nextCursor;
        if (!cursor) break;
      }
      expect(seen.length, `limit ${limit}`).toBe(everyone.length);
      expect([...seen].sort()).toEqual(everyone);
    }
    // Filters hold across pages too.
    const first = await list('domain=gamma.example&limit=1');
    const second = await list(`domain=gamma.example&limit=1&cursor=${first.nextCursor}`);
    expect([first.leads[0]!.id, second.leads[0]!.id]).toEqual([ids['list-us-0002'], ids['list-de-0002']]);
    expect(second.nextCursor).toBeNull();
  });

  it('refuses unknown and invalid parameters with a 400 naming each one', async () => {
    const res = await get('/v1/leads?pool_id=de&limit=500&outcome=maybe&routedFrom=yesterday&cursor=bm9wZQ');
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_FAILED');
    expect(
      res
        .json()
        .errors.map((e: { path: string }) => e.path)
        .sort(),
    ).toEqual(['query.cursor', 'query.limit', 'query.outcome', 'query.pool_id', 'query.routedFrom']);
    expect(res.json().errors).toContainEqual({
      path: 'query.pool_id',
      message: expect.stringMatching(/^is not a parameter of this route \(known: email, domain, owner, pool, /),
    });
    for (const [query, path] of [
      ['limit=0', 'query.limit'],
      ['limit=abc', 'query.limit'],
      ['email=', 'query.email'],
      ['email=a&email=b', 'query.email'],
    ] as const) {
      const bad = await get(`/v1/leads?${query}`);
      expect(bad.statusCode, query).toBe(400);
      expect(
        bad.json().errors.map((e: { path: string }) => e.path),
        query,
      ).toEqual([path]);
    }
    expect((await sys.app.inject({ method: 'GET', url: '/v1/leads' })).statusCode).toBe(401);
  });
});
