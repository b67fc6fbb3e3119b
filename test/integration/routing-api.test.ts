// GET /v1/leads/:id, GET /v1/leads/:id/decision and POST /v1/route/preview against real
// Postgres and Redis, with the default config (ana, bo, cy in one round-robin pool).
import { beforeAll, describe, expect, it } from 'vitest';
import { leadBody, testApiKey, useTestSystem } from '../support/system.js';
import { until } from '../support/until.js';
import { apiLeadMappings } from '../builders/index.js';

const viewerToken = 'viewer-token-0123456789';
const editorToken = 'editor-token-0123456789';
const viewer = { 'x-admin-token': viewerToken };

const leadIds: string[] = [];

const sys = useTestSystem(() => ({
  env: { ADMIN_TOKENS: `viewer:${viewerToken},editor:${editorToken}` },
  working: true,
  migrate: true,
}));

beforeAll(async () => {
  // Three leads through the real path: ana, bo, cy in rotation order.
  for (const key of ['api-lead-0001', 'api-lead-0002', 'api-lead-0003']) {
    const res = await sys.app.inject({
      method: 'POST',
      url: '/v1/leads',
      headers: { 'x-api-key': testApiKey },
      payload: leadBody(key, { firstName: 'Kim' }),
    });
    expect(res.statusCode).toBe(202);
    const { eventId } = res.json();
    const row = await until(
      async () =>
        (await sys.sql.rows<{ lead_id: string }>(`select lead_id from assignments where event_id = $1`, [eventId]))[0],
      { what: `assignment of ${key}` },
    );
    leadIds.push(row.lead_id);
  }
});

const get = (url: string, headers: Record<string, string> = viewer) => sys.app.inject({ method: 'GET', url, headers });
const preview = (payload: unknown, headers: Record<string, string> = viewer) =>
  sys.app.inject({ method: 'POST', url: '/v1/route/preview', headers, payload: payload as object });

/** Every row of every table routing writes to: a preview must leave all of it as it was. */
async function everything() {
  return {
    events: await sys.sql.rows(`select id, status from inbound_events order by id`),
    leads: await sys.sql.rows(`select id, owner_rep_id, updated_at from leads order by id`),
    assignments: await sys.sql.rows(`select id from assignments order by id`),
    outbox: await sys.sql.rows(`select id from outbox order by id`),
    notifications: await sys.sql.rows(`select id from notifications order by id`),
    cursors: await sys.sql.rows(`select pool_id, position, updated_at from rotation_cursors order by pool_id`),
    counters: await sys.sql.rows(`select key, value from routing_counters order by key`),
  };
}

describe('GET /v1/leads/:id/decision', () => {
  it('returns the stored decision with its trace, config version, event and time', async () => {
    const res = await get(`/v1/leads/${leadIds[1]}/decision`);
    expect(res.statusCode).toBe(200);
    const [a] = await sys.sql.rows<{ id: string; event_id: string; created_at: Date }>(
      `select id, event_id, created_at from assignments where lead_id = $1`,
      [leadIds[1]],
    );
    const body = res.json();
    expect(body).toMatchObject({
      leadId: leadIds[1],
      assignmentId: a!.id,
      eventId: a!.event_id,
      eventSource: 'api:web-form',
      configVersion: 1,
      createdAt: a!.created_at.toISOString(),
      outcome: 'assigned',
      reasonCode: 'ROUND_ROBIN_NEXT',
      decision: {
        kind: 'assigned',
        ownerId: 'bo',
        ownerKind: 'rep',
        crmOwnerId: 'bo',
        ruleId: 'everyone',
        poolId: 'inbound',
        code: 'ROUND_ROBIN_NEXT',
        trace: { rules: [{ ruleId: 'everyone', matched: true, checks: [] }] },
        mappingWarnings: [],
      },
    });
    expect(body.decision.reasons).toContainEqual(expect.objectContaining({ code: 'ROUND_ROBIN_NEXT', repId: 'bo' }));
  });

  it('explains it as text for Accept: text/plain and for ?format=text', async () => {
    const byHeader = await get(`/v1/leads/${leadIds[2]}/decision`, { ...viewer, accept: 'text/plain' });
    const byQuery = await get(`/v1/leads/${leadIds[2]}/decision?format=text`);
    for (const res of [byHeader, byQuery]) {
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.body).toContain(`Lead ${leadIds[2]}`);
      expect(res.body).toMatch(/under config version 1 \(event [0-9a-f-]{36} from api:web-form\)/);
      expect(res.body).toContain(
        'Assigned to rep cy (CRM owner cy) by rule everyone via pool inbound: ROUND_ROBIN_NEXT.',
      );
      expect(res.body).toContain('- everyone: MATCHED (always)');
    }
    expect(byHeader.body).toBe(byQuery.body);
  });

  it('answers 404 NOT_FOUND naming what was looked up for an unknown lead, uuid or not', async () => {
    const unknown = await get('/v1/leads/00000000-0000-4000-8000-000000000000/decision');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({
      code: 'NOT_FOUND',
      message: 'lead 00000000-0000-4000-8000-000000000000 was not found (looked up as a lead id and as an event id)',
    });
    const bad = await get('/v1/leads/not-a-uuid/decision');
    expect(bad.statusCode).toBe(404);
    expect(bad.json().message).toMatch(/^lead not-a-uuid was not found \(looked up nowhere: it is not a uuid/);
    const badFormat = await get(`/v1/leads/${leadIds[0]}/decision?format=xml`);
    expect(badFormat.statusCode).toBe(400);
    expect(badFormat.json().errors[0].path).toBe('query.format');
  });
});

describe('GET /v1/leads/:id', () => {
  it('returns the lead, its owner with the rep name from the config, and its assignments', async () => {
    const res = await get(`/v1/leads/${leadIds[0]}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      id: leadIds[0],
      source: { crm: 'api', objectType: 'lead', recordId: 'api-lead-0001' },
      lead: { email: 'api-lead-0001@acme.example', firstName: 'Kim', country: 'DE' },
      owner: { repId: 'ana', crmOwnerId: 'ana', name: 'Ana Lopez', email: 'ana@example.com' },
    });
    expect(body.assignments).toEqual([
      expect.objectContaining({
        outcome: 'assigned',
        repId: 'ana',
        poolId: 'inbound',
        ruleId: 'everyone',
        reasonCode: 'ROUND_ROBIN_NEXT',
        configVersion: 1,
        eventSource: 'api:web-form',
      }),
    ]);
    expect((await get('/v1/leads/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await get('/v1/leads/123')).statusCode).toBe(404);
  });
});

describe('admin token', () => {
  const routes = () => [
    { method: 'GET' as const, url: `/v1/leads/${leadIds[0]}` },
    { method: 'GET' as const, url: `/v1/leads/${leadIds[0]}/decision` },
    { method: 'POST' as const, url: '/v1/route/preview', payload: { lead: { email: 'auth@acme.example' } } },
  ];

  it('refuses a missing or wrong token with 401, and an intake API key is not an admin token', async () => {
    for (const r of routes()) {
      for (const headers of [
        {},
        { 'x-admin-token': 'wrong-token-0123456789' },
        { authorization: 'Bearer wrong-token-0123456789' },
        { 'x-api-key': testApiKey },
      ]) {
        const res = await sys.app.inject({ ...r, headers });
        expect(res.statusCode, `${r.method} ${r.url} ${JSON.stringify(headers)}`).toBe(401);
        expect(res.json().code).toBe('UNAUTHORIZED');
      }
    }
  });

  it('lets viewer and editor tokens read, in either header form', async () => {
    for (const r of routes()) {
      for (const headers of [viewer, { authorization: `Bearer ${viewerToken}` }, { 'x-admin-token': editorToken }]) {
        expect((await sys.app.inject({ ...r, headers })).statusCode, `${r.method} ${r.url}`).toBe(200);
      }
    }
  });
});

describe('POST /v1/route/preview', () => {
  it('previews a batch against the active config in rotation order and writes nothing', async () => {
    const before = await everything();
    const res = await preview({
      leads: ['p1', 'p2', 'p3', 'p4'].map((k) => ({ externalId: k, email: `${k}@acme.example`, country: 'DE' })),
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.config).toEqual({ kind: 'active', version: 1 });
    // Three leads routed so far (ana, bo, cy): the preview continues the rotation from there.
    expect(
      body.results.map(
        (r: { externalId: string; decision: { ownerId: string; poolId: string; ruleId: string; code: string } }) => [
          r.externalId,
          r.decision.ownerId,
          r.decision.poolId,
          r.decision.ruleId,
          r.decision.code,
        ],
      ),
    ).toEqual([
      ['p1', 'ana', 'inbound', 'everyone', 'ROUND_ROBIN_NEXT'],
      ['p2', 'bo', 'inbound', 'everyone', 'ROUND_ROBIN_NEXT'],
      ['p3', 'cy', 'inbound', 'everyone', 'ROUND_ROBIN_NEXT'],
      ['p4', 'ana', 'inbound', 'everyone', 'ROUND_ROBIN_NEXT'],
    ]);
    expect(body.results[0].decision.reasons).toContainEqual(
      expect.objectContaining({ code: 'ROUND_ROBIN_NEXT', repId: 'ana' }),
    );
    expect(body.summary).toEqual({
      leads: 4,
      assigned: 4,
      unassigned: 0,
      queued: 0,
      skipped: 0,
      byOwner: { ana: 2, bo: 1, cy: 1 },
    });
    expect(await everything()).toEqual(before);
    // And the next real lead still goes where it would have without the preview: ana.
  });

  it('shows the notifications a draft would send for each assignment, rendered, and writes nothing', async () => {
    const before = await everything();
    const draft = {
      mappings: apiLeadMappings('email', 'firstName'),
      routing: {
        reps: [{ id: 'ana', name: 'Ana Lopez', email: 'ana@example.com', crmIds: { hubspot: '101' } }],
        pools: [{ id: 'inbound', strategy: 'round_robin', members: ['ana'], sla: { minutes: 30 } }],
        rules: [{ id: 'everyone', when: { match: 'always' }, action: { pool: 'inbound' } }],
      },
      notifications: {
        defaultChannel: 'email',
        quietHours: 'send',
        slaWarningMinutes: 10,
        pools: { inbound: { slackChannel: 'C0INBOUND' } },
        templates: {
          leadAssigned: {
            subject: 'Lead for {{repName}}',
            text: '{{leadName}} is yours: rule {{rule}}, pool {{pool}}',
          },
        },
      },
    };
    const res = await preview({
      leads: [{ externalId: 'n1', email: 'n1@acme.example', firstName: 'Lu' }],
      config: draft,
      at: '2026-11-25T10:00:00Z',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().results[0].notifications).toEqual([
      {
        event: 'leadAssigned',
        channel: 'email',
        target: 'ana@example.com',
        subject: 'Lead for Ana Lopez',
        text: 'Lu is yours: rule everyone, pool inbound',
      },
      {
        event: 'leadAssigned',
        channel: 'slack',
        target: 'channel:C0INBOUND',
        subject: 'Lead for Ana Lopez',
        text: 'Lu is yours: rule everyone, pool inbound',
      },
      {
        event: 'slaWarning',
        channel: 'email',
        target: 'ana@example.com',
        subject: 'Lead waiting: Lu, 10 min left',
        text: 'Ana Lopez, Lu is still unclaimed: 10 min left before it is reassigned (2026-11-25T10:30:00.000Z). ',
        notBefore: '2026-11-25T10:20:00.000Z',
      },
    ]);

    // A template naming a variable its event does not offer is refused, with its path.
    const bad = structuredClone(draft);
    bad.notifications.templates.leadAssigned.text = '{{leadName}} is yours in {{minutesLeft}} min';
    const refused = await preview({ leads: [{ email: 'n2@acme.example' }], config: bad });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().errors).toEqual([
      {
        path: 'body.config.notifications.templates.leadAssigned.text',
        message: expect.stringMatching(/^uses unknown variable \{\{minutesLeft\}\}; this event offers leadName, /),
      },
    ]);
    const validated = await sys.app.inject({
      method: 'POST',
      url: '/v1/admin/config/validate',
      headers: viewer,
      payload: { document: bad },
    });
    expect(validated.json()).toMatchObject({
      valid: false,
      errors: [{ path: 'notifications.templates.leadAssigned.text' }],
    });
    expect(await everything()).toEqual(before);
  });

  it('reports who changes under a draft, against the active config, and writes nothing', async () => {
    const before = await everything();
    const draft = {
      mappings: apiLeadMappings('email', 'country'),
      routing: {
        reps: [
          { id: 'ana', crmIds: { hubspot: '101' } },
          { id: 'bo', crmIds: { hubspot: '102' } },
          { id: 'cy', crmIds: { hubspot: '103' } },
          { id: 'dee', crmIds: { hubspot: '104' } },
        ],
        pools: [
          { id: 'inbound', strategy: 'round_robin', members: ['ana', 'bo', 'cy'] },
          { id: 'us', strategy: 'round_robin', members: ['dee'] },
        ],
        rules: [
          { id: 'us', when: { field: 'country', op: 'eq', value: 'US' }, action: { pool: 'us' } },
          { id: 'everyone', when: { match: 'always' }, action: { pool: 'inbound' } },
        ],
      },
    };
    const leads = [
      { externalId: 'd1', email: 'd1@acme.example', country: 'DE' },
      { externalId: 'd2', email: 'd2@acme.example', country: 'US' },
      { externalId: 'd3', email: 'd3@acme.example', country: 'DE' },
    ];
    const res = await preview({ leads, config: draft, at: '2026-11-25T10:00:00Z' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.at).toBe('2026-11-25T10:00:00.000Z');
    expect(body.config).toEqual({ kind: 'draft', comparedWithVersion: 1 });
    const rows = body.results.map(
      (r: {
        externalId: string;
        decision: { ownerId: string; ruleId: string };
        active: { ownerId: string };
        changed: boolean;
      }) => ({
        id: r.externalId,
        draft: r.decision.ownerId,
        rule: r.decision.ruleId,
        active: r.active.ownerId,
        changed: r.changed,
      }),
    );
    // The US lead leaves the rotation, so the lead after it moves up one place too.
    expect(rows).toEqual([
      { id: 'd1', draft: 'ana', rule: 'everyone', active: 'ana', changed: false },
      { id: 'd2', draft: 'dee', rule: 'us', active: 'bo', changed: true },
      { id: 'd3', draft: 'bo', rule: 'everyone', active: 'cy', changed: true },
    ]);
    expect(body.summary).toMatchObject({ leads: 3, assigned: 3, changed: 2, byOwner: { ana: 1, dee: 1, bo: 1 } });
    // Not even a cursor row for the draft's new pool.
    expect(await everything()).toEqual(before);
  });

  it('takes 1,000 leads and refuses 1,001 with 400 naming body.leads', async () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ email: `m${i}@acme.example`, country: 'DE' }));
    const ok = await preview({ leads: many(1000) });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().summary).toMatchObject({ leads: 1000, assigned: 1000 });
    const tooMany = await preview({ leads: many(1001) });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'body.leads', message: 'at most 1000 leads per preview' }],
    });
  });

  it('refuses a bad lead or a body without leads with 400 naming the field', async () => {
    const bad = await preview({ leads: [{ email: 'ok@acme.example' }, { email: 'nope' }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([{ path: 'body.leads[1].email', message: expect.any(String) }]);
    const none = await preview({});
    expect(none.statusCode).toBe(400);
    expect(none.json().errors).toEqual([
      { path: 'body.leads', message: 'send exactly one of `lead`, `leads` or `recent`' },
    ]);
  });

  it('re-routes the last N stored leads (oldest first) under the active config, and writes nothing', async () => {
    const before = await everything();
    const res = await preview({ recent: 2 });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.config).toEqual({ kind: 'active', version: 1 });
    // The two newest of the three stored leads (bo's and cy's); the rotation continues at ana.
    expect(
      body.results.map((r: { leadId: string; storedOwnerRepId: string; decision: { ownerId: string } }) => [
        r.leadId,
        r.storedOwnerRepId,
        r.decision.ownerId,
      ]),
    ).toEqual([
      [leadIds[1], 'bo', 'ana'],
      [leadIds[2], 'cy', 'bo'],
    ]);
    expect(body.summary).toEqual({
      leads: 2,
      assigned: 2,
      unassigned: 0,
      queued: 0,
      skipped: 0,
      byOwner: { ana: 1, bo: 1 },
    });
    expect(await everything()).toEqual(before);
  });

  it('previews a stored draft by draftId against the active config, and writes nothing', async () => {
    const document = {
      mappings: { 'api/lead': { fields: [{ from: 'email', to: 'email' }] } },
      routing: {
        reps: [
          { id: 'ana', crmIds: { hubspot: '101' } },
          { id: 'dee', crmIds: { hubspot: '104' } },
        ],
        rules: [{ id: 'all-to-dee', when: { match: 'always' }, action: { rep: 'dee' } }],
      },
    };
    const created = await sys.app.inject({
      method: 'POST',
      url: '/v1/admin/config/drafts',
      headers: { 'x-admin-token': editorToken },
      payload: { name: 'dee takes all', document },
    });
    expect(created.statusCode).toBe(201);
    const draftId = created.json().id as string;
    const before = await everything();
    const res = await preview({ recent: 3, draftId });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.config).toEqual({ kind: 'draft', comparedWithVersion: 1, draftId });
    expect(
      body.results.map(
        (r: { leadId: string; decision: { ownerId: string }; active: { ownerId: string }; changed: boolean }) => [
          r.leadId,
          r.decision.ownerId,
          r.active.ownerId,
          r.changed,
        ],
      ),
    ).toEqual([
      [leadIds[0], 'dee', 'ana', true],
      [leadIds[1], 'dee', 'bo', true],
      [leadIds[2], 'dee', 'cy', true],
    ]);
    expect(body.summary).toMatchObject({ leads: 3, changed: 3, byOwner: { dee: 3 } });
    expect(await everything()).toEqual(before);

    const unknownDraft = await preview({
      lead: { email: 'x@acme.example' },
      draftId: '6f1c1f9e-34b4-4d6a-9d84-9f1f2b8e1a11',
    });
    expect(unknownDraft.statusCode).toBe(404);
    expect(unknownDraft.json()).toMatchObject({
      code: 'NOT_FOUND',
      message: 'draft 6f1c1f9e-34b4-4d6a-9d84-9f1f2b8e1a11 was not found',
    });
  });

  it('is strict: an unknown key, two configs or too many recent leads are a 400 naming the key, and nothing is written', async () => {
    const before = await everything();
    const typo = await preview({ recent: 5, draftid: '6f1c1f9e-34b4-4d6a-9d84-9f1f2b8e1a11' });
    expect(typo.statusCode).toBe(400);
    expect(typo.json()).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'body.draftid: unknown key "draftid"; did you mean "draftId"?',
      errors: [{ path: 'body.draftid', message: 'unknown key "draftid"; did you mean "draftId"?' }],
    });
    const both = await preview({ recent: 1, draftId: '6f1c1f9e-34b4-4d6a-9d84-9f1f2b8e1a11', config: {} });
    expect(both.json().errors).toEqual([{ path: 'body.config', message: 'send `config` or `draftId`, not both' }]);
    const tooMany = await preview({ recent: 1001 });
    expect(tooMany.json().errors).toEqual([
      { path: 'body.recent', message: 'at most the last 1000 leads per preview' },
    ]);
    const twoSources = await preview({ recent: 1, lead: { email: 'x@acme.example' } });
    expect(twoSources.json().errors).toEqual([
      { path: 'body.leads', message: 'send exactly one of `lead`, `leads` or `recent`' },
    ]);
    expect(await everything()).toEqual(before);
  });

  it('refuses an invalid draft with 422 CONFIG_INVALID and the path of each problem', async () => {
    const before = await everything();
    const res = await preview({
      lead: { email: 'x@acme.example' },
      config: {
        mappings: { 'api/lead': { fields: [{ from: 'email', to: 'email' }] } },
        routing: {
          reps: [{ id: 'ana', crmIds: { hubspot: '1' } }],
          pools: [],
          rules: [{ id: 'r1', when: { match: 'always' }, action: { pool: 'nowhere' } }],
        },
      },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      code: 'CONFIG_INVALID',
      errors: [{ path: 'body.config.routing.rules[id=r1].action.pool', message: 'pool "nowhere" does not exist' }],
    });
    const notAConfig = await preview({ lead: { email: 'x@acme.example' }, config: { routing: {} } });
    expect(notAConfig.statusCode).toBe(422);
    expect(notAConfig.json().errors.map((e: { path: string }) => e.path)).toContain('body.config.mappings');
    expect(await everything()).toEqual(before);
  });
});
