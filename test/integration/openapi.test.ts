// The one OpenAPI document: every route the real app registers is in it with its schema, the
// document is valid OpenAPI 3, and validation through the route schemas still answers the
// coded 400 bodies parseInput always did.
import type { RouteOptions } from 'fastify';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDocsRoute } from '../../src/http/openapi.js';
import { isConsoleRoute } from '../../src/http/console/index.js';
import { parseInput } from '../../src/http/parse.js';
import { postLeadBody } from '../../src/http/routes/post-lead.js';
import { isAppError } from '../../src/errors.js';
import { createTestDatabase, sqlClient, type TestDatabase } from '../support/services.js';
import { until } from '../support/until.js';
import { decisionView, leadListPage, leadView, previewOutput } from '../../src/http/routes/leads/responses.js';
import { activeConfig, draft, failurePage, versionList } from '../../src/http/routes/admin/responses.js';
import { conflictPage, leadHistory } from '../../src/http/routes/sync/responses.js';
import { intakeAck } from '../../src/http/routes/post-lead.js';
import {
  conflictsReportView,
  distributionView,
  shadowView,
  slaView,
  speedToLeadView,
  unassignedView,
  waitingView,
} from '../../src/http/routes/reports/responses.js';
import { errorBody } from '../../src/http/route-schema.js';
import { cleanupQueue, startSystem, testApiKey, testEnv, type TestSystem } from '../support/system.js';
import { hubspotConfigEnv } from './sync-helpers.js';
import { standinSalesforceConfig } from '../support/salesforce-outbound.js';

const viewerToken = 'viewer-token-0123456789';
const editorToken = 'editor-token-0123456789';

let tdb: TestDatabase;
let sys: TestSystem;
const routes: RouteOptions[] = [];
let doc: Record<string, any>;
let sql: Awaited<ReturnType<typeof sqlClient>>;

beforeAll(async () => {
  tdb = await createTestDatabase();
  // Both CRMs configured, so their webhooks are registered and must be documented too.
  const env = testEnv(tdb.url, {
    ADMIN_TOKENS: `viewer:${viewerToken},editor:${editorToken}`,
    HUBSPOT_CONFIG: hubspotConfigEnv,
    SALESFORCE_CONFIG: standinSalesforceConfig('http://127.0.0.1:9'),
  });
  sys = await startSystem(env, { migrate: true, working: true, onRoute: (r) => routes.push(r) });
  sql = await sqlClient(tdb.url);
  doc = (await sys.app.inject({ url: '/openapi.json' })).json();
});

afterAll(async () => {
  await sys?.close();
  if (sys) await cleanupQueue(sys.rt.env);
  await sql?.end();
  await tdb?.drop();
});

/** `/v1/leads/:id` as OpenAPI spells it: `/v1/leads/{id}`. */
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
const methodsOf = (r: RouteOptions) => (Array.isArray(r.method) ? r.method : [r.method]).map((m) => m.toLowerCase());
/**
 * The routes to document: not the document's own, not the HEAD fastify adds for each GET, not
 * @fastify/cors's preflight route for the web forms (it marks it `hide`; the form's POST documents
 * the origins rule).
 */
const isCorsPreflight = (r: RouteOptions) =>
  methodsOf(r).every((m) => m === 'options') && (r.schema as { hide?: boolean } | undefined)?.hide === true;
const apiRoutes = () =>
  routes.filter(
    (r) =>
      !isDocsRoute(r.url) &&
      !isConsoleRoute(r.url) && // the admin console's pages (docs/console.md), not API routes
      !isCorsPreflight(r) &&
      !(methodsOf(r).every((m) => m === 'head') && routes.some((g) => g.url === r.url && methodsOf(g).includes('get'))),
  );

describe('the OpenAPI document', () => {
  it('documents every route the app registers, each with a schema and its responses', () => {
    const api = apiRoutes();
    // The route list is the real one: intake, leads, preview, sync, admin, webhooks, health, metrics.
    for (const url of [
      '/v1/leads',
      '/v1/leads/:id',
      '/v1/route/preview',
      '/v1/conflicts',
      '/v1/reports/speed-to-lead',
      '/v1/reports/distribution',
      '/v1/reports/unassigned',
      '/v1/reports/waiting',
      '/v1/reports/sla',
      '/v1/reports/conflicts',
      '/v1/reports/shadow',
      '/v1/admin/config/publish',
      '/v1/admin/failures',
      '/webhooks/hubspot',
      '/webhooks/salesforce/:token',
      '/healthz',
      '/readyz',
      '/metrics',
    ]) {
      expect(api.map((r) => r.url)).toContain(url);
    }
    const problems: string[] = [];
    for (const r of api) {
      for (const method of methodsOf(r)) {
        const name = `${method.toUpperCase()} ${r.url}`;
        const schema = r.schema as Record<string, unknown> | undefined;
        if (!schema) problems.push(`${name}: no schema`);
        else {
          if (!schema.response) problems.push(`${name}: no response schema`);
          if (r.url.includes('/:') && !schema.params) problems.push(`${name}: path parameters without a params schema`);
          if ((method === 'post' || method === 'put') && !schema.body) problems.push(`${name}: no body schema`);
        }
        const op = doc.paths?.[openApiPath(r.url)]?.[method];
        if (!op) problems.push(`${name}: missing from the document`);
        else if (Object.keys(op.responses ?? {}).every((s) => s === '200' && !op.responses[s].content))
          problems.push(`${name}: no documented responses`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('is valid OpenAPI 3', async () => {
    expect(doc.openapi).toMatch(/^3\./);
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('describes intake from the schema that validates it, with the shared error body', () => {
    const post = doc.paths['/v1/leads'].post;
    const body = post.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(['source', 'idempotencyKey', 'lead']);
    expect(body.properties.lead.properties.email).toMatchObject({ type: 'string', format: 'email' });
    expect(Object.keys(post.responses).sort()).toEqual(['200', '202', '400', '401', '413', '415', '503']);
    expect(post.responses['400'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
    expect(doc.components.schemas.Error.required).toEqual(['code', 'message']);
    expect(post.security).toEqual([{ apiKey: [] }, { bearer: [] }]);
    // A path parameter is a parameter; a SOAP body is XML.
    expect(doc.paths['/v1/leads/{id}'].get.parameters).toContainEqual(
      expect.objectContaining({ in: 'path', name: 'id', required: true }),
    );
    expect(Object.keys(doc.paths['/webhooks/salesforce/{token}'].post.requestBody.content)).toEqual([
      'text/xml',
      'application/soap+xml',
    ]);
    // A body the route takes or leaves is not required; one it needs is.
    expect(doc.paths['/v1/leads/{id}/claim'].post.requestBody.required).toBe(false);
    expect(doc.paths['/v1/admin/failures/replay'].post.requestBody.required).toBe(false);
    expect(doc.paths['/v1/admin/config/publish'].post.requestBody.required).toBe(true);
  });

  it('is served as JSON at /openapi.json and /docs/json, as YAML at /docs/yaml, and as Swagger UI at /docs', async () => {
    expect((await sys.app.inject({ url: '/docs/json' })).json()).toEqual(doc);
    expect((await sys.app.inject({ url: '/docs/yaml' })).body).toContain('openapi: 3.0.3');
    const ui = await sys.app.inject({ url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('Swagger UI');
  });
});

describe('the documented answers', () => {
  // Response schemas document, they do not gate (the serializer is JSON.stringify): this keeps
  // them true to what the routes really send.
  const viewer = { 'x-admin-token': viewerToken };
  const editor = { 'x-admin-token': editorToken };
  const get = async (url: string) => {
    const res = await sys.app.inject({ url, headers: viewer });
    expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    return res.json();
  };

  it('match what a routed lead, the admin API and sync reads answer', async () => {
    const posted = await sys.app.inject({
      method: 'POST',
      url: '/v1/leads',
      headers: { 'x-api-key': testApiKey },
      payload: {
        source: 'web-form',
        idempotencyKey: 'documented-0001',
        lead: { email: 'ana@acme.example', country: 'DE' },
      },
    });
    expect(posted.statusCode).toBe(202);
    intakeAck.parse(posted.json());
    const leadId = await until(
      async () =>
        (
          await sql.rows<{ lead_id: string }>(`select lead_id from assignments where event_id = $1`, [
            posted.json().eventId,
          ])
        )[0]?.lead_id,
      { what: 'the lead routed' },
    );
    leadView.parse(await get(`/v1/leads/${leadId}`));
    decisionView.parse(await get(`/v1/leads/${leadId}/decision`));
    leadListPage.parse(await get('/v1/leads'));
    leadHistory.parse(await get(`/v1/leads/${leadId}/history`));
    conflictPage.parse(await get('/v1/conflicts'));
    speedToLeadView.parse(await get('/v1/reports/speed-to-lead'));
    distributionView.parse(await get('/v1/reports/distribution'));
    unassignedView.parse(await get('/v1/reports/unassigned'));
    waitingView.parse(await get('/v1/reports/waiting'));
    slaView.parse(await get('/v1/reports/sla'));
    conflictsReportView.parse(await get('/v1/reports/conflicts'));
    shadowView.parse(await get('/v1/reports/shadow'));
    activeConfig.parse(await get('/v1/admin/config'));
    versionList.parse(await get('/v1/admin/config/versions'));
    failurePage.parse(await get('/v1/admin/failures'));
    const preview = await sys.app.inject({
      method: 'POST',
      url: '/v1/route/preview',
      headers: viewer,
      payload: { recent: 1 },
    });
    previewOutput.parse(preview.json());
    const created = await sys.app.inject({
      method: 'POST',
      url: '/v1/admin/config/drafts',
      headers: editor,
      payload: { name: 'documented', document: {} },
    });
    expect(created.statusCode).toBe(201);
    draft.parse(created.json());
  });
});

describe('validation through the route schemas', () => {
  const intake = { 'x-api-key': testApiKey };
  const viewer = { 'x-admin-token': viewerToken };

  /** What parseInput (the handlers' validation before the type provider) answered for this input. */
  function parseInputBody(schema: Parameters<typeof parseInput>[0], value: unknown, prefix: 'body' | 'query') {
    try {
      parseInput(schema, value, prefix);
    } catch (err) {
      if (isAppError(err)) return { code: err.code, message: err.message, errors: err.details?.errors };
    }
    throw new Error('expected a validation error');
  }

  it('answers a bad intake body with the coded 400 naming each field, as parseInput did', async () => {
    const payload = { source: '', idempotencyKey: 'key-0001', lead: { email: 'not-an-email', employeeCount: -1 } };
    const res = await sys.app.inject({ method: 'POST', url: '/v1/leads', headers: intake, payload });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual(parseInputBody(postLeadBody, payload, 'body'));
    expect(errorBody.safeParse(res.json()).success).toBe(true);
    expect(await sql.rows(`select 1 from inbound_events where source_event_id = $1`, [payload.idempotencyKey])).toEqual(
      [],
    );
    expect(res.json()).toEqual({
      code: 'VALIDATION_FAILED',
      message: expect.any(String),
      errors: [
        { path: 'body.source', message: 'Too small: expected string to have >=1 characters' },
        { path: 'body.lead.email', message: 'Invalid email address' },
        { path: 'body.lead.employeeCount', message: 'Too small: expected number to be >=0' },
      ],
    });
  });

  it('refuses a string Postgres cannot store before the schema, at its path', async () => {
    const res = await sys.app.inject({
      method: 'POST',
      url: '/v1/leads',
      headers: intake,
      payload: { source: 'web\u0000form', idempotencyKey: 'key-0002', lead: { email: 'a@b.example' } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'body.source', message: expect.stringContaining('NUL') }],
    });
  });

  it('names unknown and bad query parameters in one 400', async () => {
    const res = await sys.app.inject({ url: '/v1/leads?pool_id=emea&limit=0', headers: viewer });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([
      { path: 'query.limit', message: 'a whole number from 1 to 200' },
      {
        path: 'query.pool_id',
        message: expect.stringMatching(/^is not a parameter of this route \(known: email, domain, owner, pool, /),
      },
    ]);
  });

  it('names an unknown body key at its own path (strict preview body)', async () => {
    const res = await sys.app.inject({
      method: 'POST',
      url: '/v1/route/preview',
      headers: viewer,
      payload: { recent: 1, draftid: '1' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'body.draftid', message: expect.stringMatching(/^unknown key "draftid"/) }],
    });
  });

  it('suggests the key meant, through an optional body, and takes no body as its defaults', async () => {
    const editor = { 'x-admin-token': editorToken };
    const res = await sys.app.inject({
      method: 'POST',
      url: '/v1/admin/failures/replay',
      headers: editor,
      payload: { dryrun: true },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'body.dryrun: unknown key "dryrun"; did you mean "dryRun"?',
      errors: [{ path: 'body.dryrun', message: 'unknown key "dryrun"; did you mean "dryRun"?' }],
    });
    const none = await sys.app.inject({ method: 'POST', url: '/v1/admin/failures/replay', headers: editor });
    expect(none.statusCode).toBe(200);
    expect(none.json()).toEqual({ dryRun: false, replayed: [], skipped: [] });
  });

  it('checks credentials before input: a bad claim without credentials is a 401', async () => {
    const res = await sys.app.inject({ method: 'POST', url: '/v1/leads/not-a-uuid/claim', payload: { nope: 1 } });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'UNAUTHORIZED' });
    const named = await sys.app.inject({
      method: 'POST',
      url: '/v1/leads/not-a-uuid/claim',
      headers: intake,
      payload: {},
    });
    expect(named.statusCode).toBe(400);
    expect(named.json()).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'params.id: must be a lead id (uuid)',
      errors: [{ path: 'params.id', message: 'must be a lead id (uuid)' }],
    });
  });
});
