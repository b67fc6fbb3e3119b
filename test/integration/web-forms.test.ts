// A web form posting straight from the browser (docs/web-forms.md): urlencoded fields, the
// source's public key, its allowed origins (CORS), and the honeypot.
import { describe, expect, it } from 'vitest';
import { useTestSystem } from '../support/system.js';
import { until } from '../support/until.js';

const publicKey = 'pk_website_0123456789';
const page = 'https://www.acme.example';
const forms = {
  website: { publicKey, allowedOrigins: [page, 'http://localhost:8080'], honeypotField: 'nickname' },
  partners: { publicKey: 'pk_partners_0123456789', allowedOrigins: ['https://partners.acme.example'] },
};

const sys = useTestSystem(() => ({ env: { WEB_FORMS: JSON.stringify(forms) }, working: true, migrate: true }));

const form = (fields: Record<string, string | string[]>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
  return p.toString();
};

const postForm = (
  fields: Record<string, string | string[]>,
  headers: Record<string, string> = { origin: page },
  source = 'website',
) =>
  sys.app.inject({
    method: 'POST',
    url: `/v1/forms/${source}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: form(fields),
  });

// Everything a form post writes starts as an inbound event (the lead and its assignment follow
// from it, asynchronously): no new event, nothing written.
async function eventCount() {
  const [r] = await sys.sql.rows<{ n: string }>(`select count(*) n from inbound_events`);
  return r!.n;
}

describe('POST /v1/forms/:source', () => {
  it('stores a urlencoded form post as a lead of its source, maps it like POST /v1/leads, and routes it', async () => {
    const res = await postForm({
      _key: publicKey,
      _idempotencyKey: 'form-0001',
      email: 'ada@acme.example',
      country: 'DE',
      employeeCount: '250',
      productInterest: ['routing', 'sync'],
      phone: '',
      nickname: '',
    });
    expect(res.statusCode).toBe(202);
    expect(res.headers['access-control-allow-origin']).toBe(page);
    const { eventId } = res.json();
    expect(res.json()).toEqual({ eventId, status: 'accepted', leadUrl: `/v1/leads/${eventId}` });
    const [ev] = await sys.sql.rows(`select source, source_event_id, crm, payload from inbound_events where id = $1`, [
      eventId,
    ]);
    // The empty phone and the empty honeypot are not values; the number is a number.
    expect(ev).toEqual({
      source: 'api:website',
      source_event_id: 'form-0001',
      crm: 'api',
      payload: {
        fields: { email: 'ada@acme.example', country: 'DE', employeeCount: 250, productInterest: ['routing', 'sync'] },
      },
    });

    const assignment = await until(
      async () => (await sys.sql.rows(`select outcome, rep_id from assignments where event_id = $1`, [eventId]))[0],
    );
    expect(assignment).toEqual({ outcome: 'assigned', rep_id: 'ana' });
    const [lead] = await sys.sql.rows(
      `select data->>'email' email, data->>'employeeCount' employees from leads where record_id = 'form-0001'`,
    );
    expect(lead).toEqual({ email: 'ada@acme.example', employees: '250' });
    // The same idempotency key again is the same lead.
    const again = await postForm({ _key: publicKey, _idempotencyKey: 'form-0001', email: 'ada@acme.example' });
    expect(again.json()).toEqual({ eventId, status: 'duplicate', leadUrl: `/v1/leads/${eventId}` });
  });

  it('answers 303 to the thank-you page when the form asks for one on an allowed origin', async () => {
    const res = await postForm({ _key: publicKey, _redirect: `${page}/thanks?x=1`, email: 'grace@acme.example' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${page}/thanks?x=1`);
    expect(
      await sys.sql.rows(`select source from inbound_events where payload->'fields'->>'email' = 'grace@acme.example'`),
    ).toEqual([{ source: 'api:website' }]);
  });

  it('accepts a post without an Origin header (not a browser page) on the key alone', async () => {
    const res = await postForm({ _key: publicKey, email: 'server@acme.example' }, {});
    expect(res.statusCode).toBe(202);
  });

  it('answers a preflight from an allowed origin with the CORS headers', async () => {
    const res = await sys.app.inject({
      method: 'OPTIONS',
      url: '/v1/forms/website',
      headers: {
        origin: 'http://localhost:8080',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:8080');
    expect(res.headers['access-control-allow-methods']).toBe('POST');
    expect(res.headers['access-control-allow-headers']).toBe('content-type');
  });

  it('refuses a preflight from an origin not on the list with a 403 naming it', async () => {
    const res = await sys.app.inject({
      method: 'OPTIONS',
      url: '/v1/forms/website',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.json().code).toBe('ORIGIN_NOT_ALLOWED');
  });

  it('drops a post with the honeypot filled: answered like a success, nothing stored, counted', async () => {
    const before = await eventCount();
    const res = await postForm({ _key: publicKey, email: 'bot@spam.example', nickname: 'buy now' });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({
      eventId: expect.any(String),
      status: 'accepted',
      leadUrl: `/v1/leads/${res.json().eventId}`,
    });
    const redirected = await postForm({
      _key: publicKey,
      _redirect: `${page}/thanks`,
      email: 'bot2@spam.example',
      nickname: 'x',
    });
    expect(redirected.statusCode).toBe(303);
    expect(await eventCount()).toEqual(before);
    expect(await sys.sql.rows(`select 1 from inbound_events where payload->'fields'->>'email' like 'bot%'`)).toEqual(
      [],
    );
    expect(await sys.rt.deps.metrics.registry.metrics()).toMatch(
      /inbound_events_total\{source="api",outcome="honeypot"\} 2/,
    );
  });

  const refusals: Array<{
    name: string;
    fields: Record<string, string | string[]>;
    headers?: Record<string, string>;
    source?: string;
    status: number;
    body: unknown;
  }> = [
    {
      name: 'a missing public key',
      fields: { email: 'a@acme.example' },
      status: 401,
      body: { code: 'UNAUTHORIZED', message: 'missing public key: send the _key field of source "website"' },
    },
    {
      name: 'a wrong public key',
      fields: { _key: 'pk_wrong_000000000000', email: 'a@acme.example' },
      status: 401,
      body: { code: 'UNAUTHORIZED', message: 'public key is not valid for source "website"' },
    },
    {
      name: "another source's public key",
      fields: { _key: 'pk_partners_0123456789', email: 'a@acme.example' },
      status: 401,
      body: { code: 'UNAUTHORIZED', message: 'public key is not valid for source "website"' },
    },
    {
      name: 'an origin not on the list',
      fields: { _key: publicKey, email: 'a@acme.example' },
      headers: { origin: 'https://evil.example' },
      status: 403,
      body: {
        code: 'ORIGIN_NOT_ALLOWED',
        message:
          'origin "https://evil.example" may not post the web form of source "website"; add it to WEB_FORMS.website.allowedOrigins',
        errors: [{ path: 'headers.origin', message: '"https://evil.example" is not in the allowed origins' }],
      },
    },
    {
      name: 'a source with no form',
      fields: { _key: publicKey, email: 'a@acme.example' },
      source: 'nope',
      status: 404,
      body: { code: 'NOT_FOUND', message: 'web form for source "nope" was not found' },
    },
    {
      name: 'a malformed email',
      fields: { _key: publicKey, email: 'not-an-email' },
      status: 400,
      body: {
        code: 'VALIDATION_FAILED',
        message: expect.any(String),
        errors: [{ path: 'body.email', message: expect.any(String) }],
      },
    },
    {
      name: 'a number field that is not one',
      fields: { _key: publicKey, email: 'a@acme.example', employeeCount: 'many' },
      status: 400,
      body: {
        code: 'VALIDATION_FAILED',
        message: expect.any(String),
        errors: [{ path: 'body.employeeCount', message: expect.any(String) }],
      },
    },
    {
      name: 'neither email nor phone',
      fields: { _key: publicKey, company: 'Acme' },
      status: 400,
      body: {
        code: 'VALIDATION_FAILED',
        message: 'body.email: a lead needs an email or a phone',
        errors: [{ path: 'body.email', message: 'a lead needs an email or a phone' }],
      },
    },
    {
      name: 'a redirect to another origin',
      fields: { _key: publicKey, email: 'a@acme.example', _redirect: 'https://evil.example/x' },
      status: 400,
      body: {
        code: 'VALIDATION_FAILED',
        message: expect.any(String),
        errors: [
          { path: 'body._redirect', message: 'its origin "https://evil.example" is not in the allowed origins' },
        ],
      },
    },
  ];

  it.each(refusals)(
    'refuses $name with $status and writes nothing',
    async ({ fields, headers, source, status, body }) => {
      const before = await eventCount();
      const res = await postForm(fields, headers, source);
      expect(res.statusCode).toBe(status);
      expect(res.json()).toEqual(body);
      expect(await eventCount()).toEqual(before);
    },
  );

  it('leaves POST /v1/leads JSON-only', async () => {
    const res = await sys.app.inject({
      method: 'POST',
      url: '/v1/leads',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-api-key': 'test-key-0123456789' },
      payload: 'email=a@b.co',
    });
    expect(res.statusCode).toBe(415);
  });
});
