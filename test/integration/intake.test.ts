import { describe, expect, it } from 'vitest';
import { leadBody, testApiKey, useTestSystem } from '../support/system.js';
import { until } from '../support/until.js';

const sys = useTestSystem(() => ({ env: { BODY_LIMIT_BYTES: '4096' }, working: true, migrate: true }));

const post = (payload: unknown, headers: Record<string, string> = { 'x-api-key': testApiKey }) =>
  sys.app.inject({
    method: 'POST',
    url: '/v1/leads',
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });

async function tableCounts() {
  const [r] = await sys.sql.rows<Record<string, string>>(
    `select (select count(*) from inbound_events) events, (select count(*) from leads) leads,
            (select count(*) from assignments) assignments, (select count(*) from outbox) outbox`,
  );
  return r;
}

describe('POST /v1/leads', () => {
  it('stores the event before answering, then routes it once and writes the owner back once', async () => {
    const res = await post(leadBody('once-0001'));
    expect(res.statusCode).toBe(202);
    const { eventId } = res.json();
    // Acknowledged means stored: the row exists the moment the 202 is out.
    const [ev] = await sys.sql.rows(`select source, source_event_id, crm from inbound_events where id = $1`, [eventId]);
    expect(ev).toEqual({ source: 'api:web-form', source_event_id: 'once-0001', crm: 'api' });

    const done = await until(
      async () =>
        (
          await sys.sql.rows(
            `select status from outbox o join assignments a on a.id = o.assignment_id where a.event_id = $1 and o.status = 'done'`,
            [eventId],
          )
        )[0],
    );
    expect(done).toEqual({ status: 'done' });
    const assignments = await sys.sql.rows(
      `select outcome, rep_id, pool_id, rule_id, config_version from assignments where event_id = $1`,
      [eventId],
    );
    expect(assignments).toEqual([
      { outcome: 'assigned', rep_id: 'ana', pool_id: 'inbound', rule_id: 'everyone', config_version: 1 },
    ]);
    const [lead] = await sys.sql.rows<{ owner_rep_id: string; email: string }>(
      `select owner_rep_id, data->>'email' email from leads where record_id = 'once-0001'`,
    );
    expect(lead).toEqual({ owner_rep_id: 'ana', email: 'once-0001@acme.example' });
  });

  it('treats the same idempotency key posted 5 times as one lead: one assignment, one write-back', async () => {
    const answers = await Promise.all(Array.from({ length: 5 }, () => post(leadBody('five-0001'))));
    const ids = new Set(answers.map((a) => a.json().eventId));
    expect(ids.size).toBe(1);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 200, 200, 200, 202]);
    const [eventId] = [...ids];
    await until(
      async () =>
        (
          await sys.sql.rows(
            `select 1 from outbox o join assignments a on a.id = o.assignment_id where a.event_id = $1 and o.status = 'done'`,
            [eventId],
          )
        ).length === 1,
    );
    // A sixth delivery after routing is still a no-op.
    expect((await post(leadBody('five-0001'))).json()).toEqual({
      eventId,
      status: 'duplicate',
      leadUrl: `/v1/leads/${eventId}`,
    });
    const [c] = await sys.sql.rows<{ a: string; o: string }>(
      `select (select count(*) from assignments a join inbound_events e on e.id = a.event_id where e.source_event_id = 'five-0001') a,
              (select count(*) from outbox where record_id = 'five-0001') o`,
    );
    expect(c).toEqual({ a: '1', o: '1' });
  });

  const badCases: Array<{
    name: string;
    body: unknown;
    headers?: Record<string, string>;
    status: number;
    code: string;
    paths?: string[];
  }> = [
    {
      name: 'wrong types',
      body: {
        source: 'web',
        idempotencyKey: 'types-0001',
        lead: { email: 'a@b.co', employeeCount: 'many', score: '9' },
      },
      status: 400,
      code: 'VALIDATION_FAILED',
      paths: ['body.lead.employeeCount', 'body.lead.score'],
    },
    {
      name: 'missing required fields',
      body: { lead: { email: 'a@b.co' } },
      status: 400,
      code: 'VALIDATION_FAILED',
      paths: ['body.source', 'body.idempotencyKey'],
    },
    {
      name: 'a lead with neither email nor phone',
      body: { source: 'web', idempotencyKey: 'nocontact1', lead: { company: 'Acme' } },
      status: 400,
      code: 'VALIDATION_FAILED',
      paths: ['body.lead.email'],
    },
    {
      name: 'a malformed email',
      body: { source: 'web', idempotencyKey: 'bademail01', lead: { email: 'not-an-email' } },
      status: 400,
      code: 'VALIDATION_FAILED',
      paths: ['body.lead.email'],
    },
    {
      name: 'an oversized body',
      body: {
        source: 'web',
        idempotencyKey: 'huge-00001',
        lead: { email: 'a@b.co', notes: 'x'.repeat(1500), n2: 'y'.repeat(1500), n3: 'z'.repeat(1500) },
      },
      status: 413,
      code: 'BODY_TOO_LARGE',
      paths: ['body'],
    },
    { name: 'non-JSON', body: '{"source": "web", idem', status: 400, code: 'MALFORMED_JSON', paths: ['body'] },
    {
      name: 'a non-JSON content type',
      body: 'email=a@b.co',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-api-key': testApiKey },
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      paths: ['headers.content-type'],
    },
    { name: 'a missing API key', body: leadBody('nokey-0001'), headers: {}, status: 401, code: 'UNAUTHORIZED' },
    {
      name: 'a wrong API key',
      body: leadBody('badkey-001'),
      headers: { 'x-api-key': 'wrong-key-000000' },
      status: 401,
      code: 'UNAUTHORIZED',
    },
  ];

  it.each(badCases)(
    'refuses $name with $status naming the field, and writes nothing',
    async ({ body, headers, status, code, paths }) => {
      const before = await tableCounts();
      const res = await post(body, headers);
      expect(res.statusCode).toBe(status);
      const json = res.json();
      expect(json.code).toBe(code);
      expect(typeof json.message).toBe('string');
      if (paths) expect(json.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(paths));
      expect(await tableCounts()).toEqual(before);
    },
  );

  it('answers a 5xx without internals and logs nothing secret', async () => {
    const res = await sys.app.inject({ method: 'GET', url: '/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ code: 'NOT_FOUND', message: 'GET /v1/nothing-here was not found' });
  });
});

describe('health and metrics', () => {
  it('reports ready when the database answers, and exposes Prometheus counters', async () => {
    expect((await sys.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await sys.app.inject({ url: '/readyz' })).json()).toEqual({
      status: 'ok',
      checks: { database: 'ok' },
      backlog: { unroutedEventSeconds: null, waitingLeadSeconds: null, pendingWriteSeconds: null },
    });
    const text = (await sys.app.inject({ url: '/metrics' })).body;
    expect(text).toMatch(/http_requests_total\{method="POST",route="\/v1\/leads",status="202"\} \d+/);
    expect(text).toMatch(
      /leads_routed_total\{pool="inbound",rule="everyone",outcome="assigned",reason="ROUND_ROBIN_NEXT"\} \d+/,
    );
    expect(text).toMatch(/writebacks_total\{crm="api",outcome="done"\} \d+/);
    expect(text).toMatch(/http_request_duration_seconds_bucket/);
  });
});
