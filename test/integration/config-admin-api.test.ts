// The admin API's config lifecycle against real Postgres: auth, drafts, validate, publish,
// rollback, diff, export, and that bad input or a bad config writes nothing.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { useTestSystem } from '../support/system.js';

const viewerToken = 'viewer-token-0123456789';
const editorToken = 'editor-token-0123456789';
const asViewer = { 'x-admin-token': viewerToken };
const asEditor = { authorization: `Bearer ${editorToken}` };

let defaultDoc: Record<string, any>;

const sys = useTestSystem(async () => {
  defaultDoc = parseYaml(await readFile('fixtures/config/default.yaml', 'utf8'));
  return { env: { ADMIN_TOKENS: `viewer:${viewerToken},editor:${editorToken}` }, migrate: true };
});

const call = (
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  headers: Record<string, string> = asEditor,
  payload?: unknown,
) => sys.app.inject({ method, url, headers, ...(payload !== undefined && { payload: payload as object }) });

/** The default config with one more rep who takes every lead. */
function withRep(id: string): Record<string, any> {
  const doc = structuredClone(defaultDoc);
  doc.routing.reps.push({ id, name: id, crmIds: {} });
  doc.routing.pools[0].members = [id];
  return doc;
}

async function counts(): Promise<{ versions: number; drafts: number; active: number; at: Date }> {
  const [r] = await sys.sql.rows<{ versions: number; drafts: number; active: number; at: Date }>(
    `select (select count(*) from config_versions)::int versions, (select count(*) from config_drafts)::int drafts, (select version from config_active) active, (select updated_at from config_active) at`,
  );
  return r!;
}

describe('admin auth', () => {
  it.each<{
    who: string;
    headers: Record<string, string>;
    method: 'GET' | 'POST';
    url: string;
    status: number;
    code: string;
  }>([
    {
      who: 'no token',
      headers: {},
      method: 'GET' as const,
      url: '/v1/admin/config',
      status: 401,
      code: 'UNAUTHORIZED',
    },
    {
      who: 'a wrong token',
      headers: { 'x-admin-token': 'not-a-token-0000000' },
      method: 'GET' as const,
      url: '/v1/admin/config',
      status: 401,
      code: 'UNAUTHORIZED',
    },
    {
      who: 'an intake API key',
      headers: { 'x-api-key': 'test-key-0123456789' },
      method: 'GET' as const,
      url: '/v1/admin/config/versions',
      status: 401,
      code: 'UNAUTHORIZED',
    },
    {
      who: 'a viewer publishing',
      headers: asViewer,
      method: 'POST' as const,
      url: '/v1/admin/config/publish',
      status: 403,
      code: 'FORBIDDEN',
    },
    {
      who: 'a viewer rolling back',
      headers: asViewer,
      method: 'POST' as const,
      url: '/v1/admin/config/rollback',
      status: 403,
      code: 'FORBIDDEN',
    },
    {
      who: 'a viewer creating a draft',
      headers: asViewer,
      method: 'POST' as const,
      url: '/v1/admin/config/drafts',
      status: 403,
      code: 'FORBIDDEN',
    },
  ])('refuses $who with $status and writes nothing', async ({ headers, method, url, status, code }) => {
    const before = await counts();
    const res = await call(
      method,
      url,
      headers,
      method === 'POST' ? { message: 'x', document: withRep('dee'), name: 'n', version: 1 } : undefined,
    );
    expect(res.statusCode).toBe(status);
    expect(res.json()).toMatchObject({ code });
    expect(await counts()).toEqual(before);
  });

  it('lets a viewer read and validate, and an editor do everything', async () => {
    expect((await call('GET', '/v1/admin/config', asViewer)).statusCode).toBe(200);
    expect((await call('GET', '/v1/admin/config/versions', asViewer)).statusCode).toBe(200);
    expect((await call('POST', '/v1/admin/config/validate', asViewer, { document: defaultDoc })).json()).toEqual({
      valid: true,
      errors: [],
      warnings: [],
    });
    expect((await call('GET', '/v1/admin/config', asEditor)).statusCode).toBe(200);
  });
});

describe('bad input', () => {
  it.each([
    {
      name: 'a publish without a message',
      method: 'POST' as const,
      url: '/v1/admin/config/publish',
      body: { document: {} },
      paths: ['body.message'],
    },
    {
      name: 'a publish with neither document nor draft',
      method: 'POST' as const,
      url: '/v1/admin/config/publish',
      body: { message: 'm' },
      paths: ['body.document'],
    },
    {
      name: 'a publish with both document and draft',
      method: 'POST' as const,
      url: '/v1/admin/config/publish',
      body: { message: 'm', document: {}, draftId: '6f1c1f9e-34b4-4d6a-9d84-9f1f2b8e1a11' },
      paths: ['body.document'],
    },
    {
      name: 'a publish with an unknown field',
      method: 'POST' as const,
      url: '/v1/admin/config/publish',
      body: { message: 'm', document: {}, force: true },
      paths: ['body.force'],
    },
    {
      name: 'a rollback to "two"',
      method: 'POST' as const,
      url: '/v1/admin/config/rollback',
      body: { version: 'two' },
      paths: ['body.version'],
    },
    {
      name: 'a diff from a non-number',
      method: 'GET' as const,
      url: '/v1/admin/config/diff?from=abc',
      paths: ['query.from'],
    },
    {
      name: 'a version that is not a number',
      method: 'GET' as const,
      url: '/v1/admin/config/versions/latest',
      paths: ['params.version'],
    },
    {
      name: 'a draft id that is not a uuid',
      method: 'GET' as const,
      url: '/v1/admin/config/drafts/42',
      paths: ['params.id'],
    },
    {
      name: 'a draft without a name',
      method: 'POST' as const,
      url: '/v1/admin/config/drafts',
      body: { document: {} },
      paths: ['body.name'],
    },
    {
      name: 'an export in XML',
      method: 'GET' as const,
      url: '/v1/admin/config/export?format=xml',
      paths: ['query.format'],
    },
  ])('answers $name with 400 naming the field, and writes nothing', async ({ method, url, body, paths }) => {
    const before = await counts();
    const res = await call(method, url, asEditor, body);
    expect(res.statusCode).toBe(400);
    const json = res.json();
    expect(json.code).toBe('VALIDATION_FAILED');
    expect(json.errors.map((e: { path: string }) => e.path)).toEqual(paths);
    expect(await counts()).toEqual(before);
  });

  it('refuses an invalid config with 422 CONFIG_INVALID and every error in one pass, named by id, and writes nothing', async () => {
    const before = await counts();
    const doc = withRep('dee');
    doc.routing.reps[3].weight = 'heavy'; // a schema error does not hide the reference errors below
    doc.routing.rules[0].action = { pool: 'inbund' };
    doc.routing.rules.unshift({
      id: 'uk',
      when: { field: 'country', op: 'eq', value: 'UK' },
      action: { pool: 'inbound' },
    });
    doc.routing.reps[1].crmIds = { hubspot: '101' };
    const res = await call('POST', '/v1/admin/config/publish', asEditor, { message: 'broken', document: doc });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toEqual({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('config is invalid'),
      errors: [
        { path: 'routing.reps[id=dee].weight', message: 'Invalid input: expected number, received string' },
        { path: 'routing.reps[id=bo].crmIds.hubspot', message: 'duplicate hubspot owner id "101" (first at index 0)' },
        { path: 'routing.rules[id=uk].when.value', message: '"UK" is not an ISO 3166 country code; did you mean GB?' },
        {
          path: 'routing.rules[id=everyone].action.pool',
          message: 'pool "inbund" does not exist; did you mean "inbound"?',
        },
      ],
    });
    expect(await counts()).toEqual(before);
  });

  it('answers 404 for a version or draft that does not exist', async () => {
    expect((await call('GET', '/v1/admin/config/versions/999')).json()).toMatchObject({ code: 'CONFIG_NOT_FOUND' });
    expect((await call('POST', '/v1/admin/config/rollback', asEditor, { version: 999 })).statusCode).toBe(404);
    expect((await call('GET', '/v1/admin/config/drafts/6f1c1f9e-34b4-4d6a-9d84-9f1f2b8e1a11')).json()).toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});

describe('publish, rollback, diff, export', () => {
  it('publishes an immutable version with author, message and diff, and moves the pointer', async () => {
    const res = await call('POST', '/v1/admin/config/publish', asEditor, {
      message: 'add dee',
      author: 'Ana',
      document: withRep('dee'),
    });
    expect(res.statusCode).toBe(201);
    const v = res.json();
    expect(v).toMatchObject({
      version: 2,
      author: expect.stringMatching(/^Ana via editor:[0-9a-f]{8}$/),
      message: 'add dee',
    });
    expect(v.diff.against).toBe(1);
    expect(v.diff.changes).toEqual([
      { op: 'add', path: 'routing.reps[id=dee]', after: expect.objectContaining({ id: 'dee', name: 'dee' }) },
      { op: 'change', path: 'routing.pools[id=inbound].members', before: ['ana', 'bo', 'cy'], after: ['dee'] },
    ]);
    const active = (await call('GET', '/v1/admin/config', asViewer)).json();
    expect(active).toMatchObject({ version: 2, message: 'add dee' });
    const [row] = await sys.sql.rows(
      `select v.version, v.author, v.message, jsonb_array_length(v.diff->'changes') changes from config_versions v join config_active a on a.version = v.version`,
    );
    expect(row).toEqual({ version: 2, author: v.author, message: 'add dee', changes: 2 });
  });

  it('rolls back by moving the pointer only, and records when', async () => {
    const before = await counts();
    const res = await call('POST', '/v1/admin/config/rollback', asEditor, { version: 1, message: 'dee is not ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      version: 1,
      previousVersion: 2,
      changed: true,
      by: expect.stringMatching(/^editor:/),
      message: 'dee is not ready',
    });
    const after = await counts();
    expect(after).toMatchObject({ versions: before.versions, active: 1 });
    expect(after.at.getTime()).toBeGreaterThan(before.at.getTime());
    expect((await call('GET', '/v1/admin/config/versions', asViewer)).json()).toMatchObject({
      active: 1,
      versions: [
        { version: 2, active: false },
        { version: 1, active: true },
      ],
    });
    // Rolling back to the active version is a no-op, not an error.
    expect((await call('POST', '/v1/admin/config/rollback', asEditor, { version: 1 })).json()).toMatchObject({
      version: 1,
      changed: false,
    });
  });

  it('keeps who moved the pointer, when and why: bootstrap, publish, rollback, newest first (a no-op rollback is not a move)', async () => {
    const res = await call('GET', '/v1/admin/config/activations', asViewer);
    expect(res.statusCode).toBe(200);
    const { activations } = res.json();
    expect(activations).toEqual([
      {
        version: 1,
        previousVersion: 2,
        kind: 'rollback',
        by: expect.stringMatching(/^editor:[0-9a-f]{8}$/),
        message: 'dee is not ready',
        at: expect.any(String),
      },
      {
        version: 2,
        previousVersion: 1,
        kind: 'publish',
        by: expect.stringMatching(/^Ana via editor:/),
        message: 'add dee',
        at: expect.any(String),
      },
      {
        version: 1,
        previousVersion: null,
        kind: 'bootstrap',
        by: 'bootstrap',
        message: expect.stringMatching(/^initial config from /),
        at: expect.any(String),
      },
    ]);
    const [pointer] = await sys.sql.rows<{ updated_at: Date }>(`select updated_at from config_active`);
    expect(new Date(activations[0].at).getTime()).toBe(pointer!.updated_at.getTime());
    expect((await call('GET', '/v1/admin/config/activations?limit=1', asViewer)).json().activations).toHaveLength(1);
  });

  it('diffs any two versions, in both directions, and against the active one by default', async () => {
    const forward = (await call('GET', '/v1/admin/config/diff?from=1&to=2', asViewer)).json();
    expect(forward.changes.map((c: { op: string; path: string }) => `${c.op} ${c.path}`)).toEqual([
      'add routing.reps[id=dee]',
      'change routing.pools[id=inbound].members',
    ]);
    const back = (await call('GET', '/v1/admin/config/diff?from=2', asViewer)).json();
    expect(back).toMatchObject({ from: 2, to: 1 });
    expect(back.changes.map((c: { op: string; path: string }) => `${c.op} ${c.path}`)).toEqual([
      'remove routing.reps[id=dee]',
      'change routing.pools[id=inbound].members',
    ]);
  });

  it('exports YAML that publishes again as an identical version', async () => {
    const res = await call('GET', '/v1/admin/config/export?version=2', asViewer);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/yaml; charset=utf-8');
    expect(res.body.split('\n')[0]).toBe('# lead-router config, version 2: add dee');
    const doc = parseYaml(res.body);
    expect(Object.keys(doc)).toEqual(['mappings', 'routing']);
    const again = (
      await call('POST', '/v1/admin/config/publish', asEditor, { message: 'dee again', document: doc })
    ).json();
    expect(again).toMatchObject({ version: 3, diff: { against: 1 } });
    expect((await call('GET', '/v1/admin/config/diff?from=2&to=3')).json().changes).toEqual([]);
    const json = await call('GET', '/v1/admin/config/export?format=json');
    expect(json.headers['x-config-version']).toBe('3');
    expect(JSON.parse(json.body)).toEqual(doc);
  });

  it('gives a version with its document, author, message and stored diff', async () => {
    const v = (await call('GET', '/v1/admin/config/versions/2', asViewer)).json();
    expect(v).toMatchObject({ version: 2, message: 'add dee', active: false, diff: { against: 1 } });
    expect(v.document.routing.pools[0].members).toEqual(['dee']);
  });
});

describe('drafts', () => {
  it('creates, lists, reads, updates, validates, diffs, publishes (consuming the draft) and deletes', async () => {
    const created = await call('POST', '/v1/admin/config/drafts', asEditor, {
      name: 'add eve',
      document: { mappings: {}, routing: {} },
    });
    expect(created.statusCode).toBe(201);
    const draft = created.json();
    expect(draft).toMatchObject({ name: 'add eve', baseVersion: 3, author: expect.stringMatching(/^editor:/) });

    // A half-done draft is stored, and validation says what is missing.
    const invalid = (await call('POST', '/v1/admin/config/validate', asViewer, { draftId: draft.id })).json();
    expect(invalid.valid).toBe(false);
    expect(invalid.errors.map((e: { path: string }) => e.path)).toEqual(['routing.reps', 'routing.rules']);
    expect(
      (await call('POST', '/v1/admin/config/publish', asEditor, { message: 'too early', draftId: draft.id }))
        .statusCode,
    ).toBe(422);

    const updated = (
      await call('PUT', `/v1/admin/config/drafts/${draft.id}`, asEditor, { document: withRep('eve') })
    ).json();
    expect(updated.updatedAt > draft.updatedAt).toBe(true);
    expect(
      (await call('GET', `/v1/admin/config/drafts/${draft.id}`, asViewer)).json().document.routing.pools[0].members,
    ).toEqual(['eve']);
    expect((await call('GET', '/v1/admin/config/drafts', asViewer)).json().drafts).toEqual([
      expect.objectContaining({ id: draft.id, name: 'add eve' }),
    ]);
    expect((await call('POST', '/v1/admin/config/validate', asViewer, { draftId: draft.id })).json()).toEqual({
      valid: true,
      errors: [],
      warnings: [],
    });
    const diff = (await call('GET', `/v1/admin/config/drafts/${draft.id}/diff`, asViewer)).json();
    expect(diff.changes.map((c: { path: string }) => c.path)).toEqual([
      'routing.reps[id=dee]',
      'routing.reps[id=eve]',
      'routing.pools[id=inbound].members',
    ]);

    const published = await call('POST', '/v1/admin/config/publish', asEditor, {
      message: 'eve joins',
      draftId: draft.id,
    });
    expect(published.statusCode).toBe(201);
    expect(published.json()).toMatchObject({ version: 4, draftId: draft.id });
    expect((await call('GET', `/v1/admin/config/drafts/${draft.id}`, asViewer)).statusCode).toBe(404);

    const other = (await call('POST', '/v1/admin/config/drafts', asEditor, { name: 'scratch', document: {} })).json();
    expect((await call('DELETE', `/v1/admin/config/drafts/${other.id}`, asEditor)).statusCode).toBe(204);
    expect((await call('DELETE', `/v1/admin/config/drafts/${other.id}`, asEditor)).statusCode).toBe(404);
  });
});

describe('concurrency', () => {
  it('gives 8 concurrent publishes 8 unique, consecutive versions, and the pointer the last one', async () => {
    const before = (await counts()).versions;
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        call('POST', '/v1/admin/config/publish', asEditor, { message: `parallel ${i}`, document: withRep(`rep${i}`) }),
      ),
    );
    expect(results.map((r) => r.statusCode)).toEqual(Array(8).fill(201));
    const versions = results.map((r) => r.json().version as number).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: 8 }, (_, i) => before + 1 + i));
    expect((await counts()).active).toBe(before + 8);
    // Each diff is against the version active just before it: the chain has no gaps.
    const rows = await sys.sql.rows<{ version: number; against: number }>(
      `select version, (diff->>'against')::int against from config_versions where version > $1 order by version`,
      [before],
    );
    expect(rows.every((r) => r.against === r.version - 1)).toBe(true);
  });

  it('refuses a publish based on a stale version with 409 CONFLICT', async () => {
    const latest = (await counts()).versions;
    const res = await call('POST', '/v1/admin/config/publish', asEditor, {
      message: 'stale',
      document: withRep('zed'),
      baseVersion: latest - 1,
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'CONFLICT' });
    expect((await counts()).versions).toBe(latest);
  });
});

describe('OpenAPI', () => {
  it('describes the admin API at /docs/json (with every other route) and serves the UI at /docs', async () => {
    const spec = (await sys.app.inject({ url: '/docs/json' })).json();
    expect(spec.openapi).toBe('3.0.3');
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/v1/admin/config',
        '/v1/admin/config/publish',
        '/v1/admin/config/rollback',
        '/v1/admin/config/diff',
        '/v1/admin/config/export',
        '/v1/admin/config/drafts/{id}',
      ]),
    );
    expect(spec.paths['/v1/admin/config/publish'].post.requestBody.content['application/json'].schema.required).toEqual(
      ['message'],
    );
    // One document for the whole API (test/integration/openapi.test.ts checks every route).
    expect(Object.keys(spec.paths)).toContain('/v1/leads');
    const ui = await sys.app.inject({ url: '/docs' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('Swagger UI');
  });
});

describe('lint warnings', () => {
  it('answers them from validate and publish, with the path by id, and never blocks the publish', async () => {
    const doc = structuredClone(defaultDoc);
    doc.routing.rules = [
      { id: 'dach', when: { field: 'country', op: 'in', value: ['DE', 'AT', 'CH'] }, action: { pool: 'inbound' } },
      { id: 'de', when: { field: 'country', op: 'eq', value: 'DE' }, action: { pool: 'inbound' } },
    ];
    const warnings = [
      {
        path: 'routing.rules[id=de].when',
        message: 'rule "de" can never fire: every lead it matches is taken first by rule "dach"',
      },
      {
        path: 'routing.default',
        message:
          'no default and no rule with match: always: a lead for which none of these holds: dach (country in [DE, AT, CH]); de (country eq "DE") ends unassigned (NO_RULE_MATCHED). Add a default or a last catch-all rule',
      },
    ];
    const validated = await call('POST', '/v1/admin/config/validate', asViewer, { document: doc });
    expect(validated.json()).toEqual({ valid: true, errors: [], warnings });
    const before = await counts();
    const published = await call('POST', '/v1/admin/config/publish', asEditor, {
      message: 'dach first',
      document: doc,
    });
    expect(published.statusCode).toBe(201);
    expect(published.json()).toMatchObject({ version: before.versions + 1, warnings });
    expect((await counts()).active).toBe(before.versions + 1);
  });
});
