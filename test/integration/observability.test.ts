// What an operator sees of real flows (docs/operations.md): the backlog and queue gauges while
// leads wait, speed to lead and routed counts by pool once they are written, the active config
// and build, /readyz's backlog age, and one lead followed through the logs by its ids.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/index.js';
import { createLogger } from '../../src/logger.js';
import { openDatabase, openRuntime, type Runtime } from '../../src/runtime.js';
import { createTestDatabase, sqlClient, type TestDatabase } from '../support/services.js';
import { cleanupQueue, testApiKey, testEnv } from '../support/system.js';
import { until } from '../support/until.js';

const config = `
mappings:
  api/lead:
    fields:
      - { from: email, to: email }
      - { from: country, to: country }
      - { from: createdAt, to: createdAt, transforms: [date] }
routing:
  reps:
    - { id: ana, name: Ana, email: ana@example.com }
    - { id: bo, name: Bo, email: bo@example.com }
    - { id: cy, name: Cy, email: cy@example.com, maxOpen: 1 }
  pools:
    - { id: dach, strategy: round_robin, members: [ana] }
    - { id: rest, strategy: round_robin, members: [bo] }
    - { id: france, strategy: round_robin, members: [cy], queueWhenFull: { maxWaitMinutes: 600 } }
  rules:
    - { id: dach, when: { field: country, op: in, value: [DE, AT, CH] }, action: { pool: dach } }
    - { id: fr, when: { field: country, op: eq, value: FR }, action: { pool: france } }
    - { id: everyone-else, when: { match: always }, action: { pool: rest } }
`;

let tdb: TestDatabase;
let dir: string;
let rt: Runtime;
let app: FastifyInstance;
let sql: Awaited<ReturnType<typeof sqlClient>>;
const lines: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  tdb = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'lr-observe-'));
  writeFileSync(join(dir, 'config.yaml'), config);
  const env = testEnv(tdb.url, {
    CONFIG_FILE: join(dir, 'config.yaml'),
    BUILD_COMMIT: 'abc1234',
    SWEEP_AFTER_MS: '600000',
  });
  const db = await openDatabase(env);
  await db.migrate();
  await db.close();
  // The service's own logger (serializers, redaction), at info as in production, into memory.
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger({ level: 'info' }, sink);
  rt = await openRuntime(env, { logger });
  app = buildApp({
    logger,
    metrics: rt.deps.metrics,
    bodyLimitBytes: 65536,
    checks: [{ name: 'database', check: () => rt.dbHandle.ping() }],
    isShuttingDown: () => false,
    intake: { pipeline: rt.deps, env, apiKeys: env.INTAKE_API_KEYS },
  });
  await app.ready();
  sql = await sqlClient(tdb.url);
});

afterAll(async () => {
  await app?.close();
  await rt?.close();
  await cleanupQueue(rt.env);
  await sql?.end();
  await tdb?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const post = (key: string, lead: Record<string, unknown>, requestId: string) =>
  app.inject({
    method: 'POST',
    url: '/v1/leads',
    headers: { 'content-type': 'application/json', 'x-api-key': testApiKey, 'x-request-id': requestId },
    payload: { source: 'web-form', idempotencyKey: key, lead },
  });

const scrape = async () => (await app.inject({ url: '/metrics' })).body;
/** The value of one sample, by its exact name and labels as Prometheus prints them. */
const sample = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

const tenMinutesAgo = new Date(Date.now() - 10 * 60_000).toISOString();
let dachEvent: string;
let restEvent: string;

describe('before any worker runs: the backlog waits and says so', () => {
  it('counts events not routed by CRM, the route jobs waiting, and their age in /readyz', async () => {
    dachEvent = (
      await post(
        'observe-dach-01',
        { email: 'ada@acme.example', country: 'DE', createdAt: tenMinutesAgo },
        'req-observe-dach-01',
      )
    ).json().eventId;
    restEvent = (
      await post('observe-rest-01', { email: 'bob@globex.example', country: 'US' }, 'req-observe-rest-01')
    ).json().eventId;
    const text = await scrape();
    expect(sample(text, 'backlog_rows{kind="route",crm="api",state="pending"}')).toBe(2);
    await until(async () => sample(await scrape(), 'queue_jobs{queue="route",state="waiting"}') === 2, {
      what: 'two route jobs waiting in Redis',
    });
    expect(sample(text, 'queue_jobs{queue="writeback",state="waiting"}')).toBe(0);
    expect(sample(text, 'backlog_oldest_age_seconds{kind="route"}')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'config_active_version')).toBe(1);
    expect(sample(text, `build_info{version="0.1.0",node="${process.version}",commit="abc1234"}`)).toBe(1);

    const ready = await app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    const { backlog } = ready.json();
    expect(backlog).toEqual({
      unroutedEventSeconds: expect.any(Number),
      waitingLeadSeconds: null,
      pendingWriteSeconds: null,
    });
    // Postgres's clock: the first lead was stored moments ago, not ten minutes ago (its CRM creation time).
    expect(backlog.unroutedEventSeconds).toBeLessThan(60);
  });
});

describe('once routed and written', () => {
  beforeAll(async () => {
    await rt.startWorking();
    await until(async () => (await sql.rows(`select 1 from outbox where status = 'done'`)).length === 2, {
      what: 'both owners written',
    });
  });

  it('observes speed to lead from the CRM creation time when the record has one, else from intake, by CRM and pool', async () => {
    const text = await scrape();
    // Created ten minutes before it reached us: in the 900 s bucket, not the 300 s one.
    expect(sample(text, 'speed_to_lead_seconds_bucket{le="300",crm="api",pool="dach",since="crm_created"}')).toBe(0);
    expect(sample(text, 'speed_to_lead_seconds_bucket{le="900",crm="api",pool="dach",since="crm_created"}')).toBe(1);
    expect(sample(text, 'speed_to_lead_seconds_count{crm="api",pool="dach",since="crm_created"}')).toBe(1);
    expect(sample(text, 'speed_to_lead_seconds_count{crm="api",pool="rest",since="received"}')).toBe(1);
    expect(sample(text, 'speed_to_lead_seconds_bucket{le="60",crm="api",pool="rest",since="received"}')).toBe(1);
    expect(text).not.toMatch(/speed_to_lead_seconds_count\{crm="api",pool="rest",since="crm_created"\}/);
  });

  it('counts routed leads by pool, rule and outcome', async () => {
    const text = await scrape();
    expect(
      sample(text, 'leads_routed_total{pool="dach",rule="dach",outcome="assigned",reason="ROUND_ROBIN_NEXT"}'),
    ).toBe(1);
    expect(
      sample(text, 'leads_routed_total{pool="rest",rule="everyone-else",outcome="assigned",reason="ROUND_ROBIN_NEXT"}'),
    ).toBe(1);
  });

  it('empties the backlog gauges and the queue, and /readyz reports nothing waiting', async () => {
    await until(async () => sample(await scrape(), 'queue_jobs{queue="route",state="waiting"}') === 0, {
      what: 'route jobs drained',
    });
    const text = await scrape();
    expect(text).not.toMatch(/backlog_rows\{kind="(route|writeback)",crm="api",state="pending"\}/);
    expect(sample(text, 'backlog_oldest_age_seconds{kind="route"}')).toBe(0);
    expect(sample(text, 'backlog_oldest_age_seconds{kind="writeback"}')).toBe(0);
    expect((await app.inject({ url: '/readyz' })).json().backlog).toEqual({
      unroutedEventSeconds: null,
      waitingLeadSeconds: null,
      pendingWriteSeconds: null,
    });
  });

  it('follows one lead through the logs by its ids: the request, the routing, one line for the CRM write', async () => {
    const [lead] = await sql.rows<{ id: string }>(`select lead_id as id from assignments where event_id = $1`, [
      dachEvent,
    ]);
    const leadId = lead!.id;
    await until(() => lines.some((l) => l.msg === 'owner written' && l.eventId === dachEvent), {
      what: 'the owner written line',
    });
    const about = lines.filter((l) => l.eventId === dachEvent || l.leadId === leadId);
    // Every line about the lead names all three ids it has at that point.
    for (const l of about) expect(l).toMatchObject({ eventId: dachEvent, requestId: 'req-observe-dach-01' });
    expect(about.map((l) => l.msg)).toEqual(['request', 'lead routed', 'owner written']);
    expect(about[0]).toMatchObject({ route: '/v1/leads', status: 202 });
    expect(about[1]).toMatchObject({
      leadId,
      outcome: 'assigned',
      pool: 'dach',
      rule: 'dach',
      owner: 'ana',
      configVersion: 1,
    });
    const written = about[2]!;
    expect(written).toMatchObject({
      level: 30,
      leadId,
      eventId: dachEvent,
      requestId: 'req-observe-dach-01',
      crm: 'api',
      record: 'lead/observe-dach-01',
      owner: 'ana',
      ms: expect.any(Number),
    });
    // The other lead's lines carry its own ids, never this one's.
    expect(lines.filter((l) => l.requestId === 'req-observe-rest-01').every((l) => l.eventId === restEvent)).toBe(true);
    expect(lines.filter((l) => l.requestId === 'req-observe-rest-01').map((l) => l.msg)).toEqual([
      'request',
      'lead routed',
      'owner written',
    ]);
  });
});

describe('a full pool', () => {
  it('counts the lead it holds as waiting, by CRM, with its age in the gauge and /readyz', async () => {
    await post('observe-fr-01', { email: 'ines@acme.example', country: 'FR' }, 'req-observe-fr-01');
    await until(
      async () =>
        (await sql.rows(`select 1 from outbox where status = 'done' and record_id = 'observe-fr-01'`)).length === 1,
      { what: 'cy owns the first French lead' },
    );
    await post('observe-fr-02', { email: 'jules@acme.example', country: 'FR' }, 'req-observe-fr-02');
    await until(
      async () =>
        (await sql.rows(`select 1 from inbound_events where status = 'queued' and source_event_id = 'observe-fr-02'`))
          .length === 1,
      { what: 'the second one held by the full pool' },
    );
    // The routed counter moves a moment after the commit the row shows.
    const queued = 'leads_routed_total{pool="france",rule="fr",outcome="queued",reason="QUEUED"}';
    const text = await until(
      async () => {
        const scraped = await scrape();
        return (sample(scraped, queued) ?? 0) >= 1 ? scraped : undefined;
      },
      { what: 'the held lead counted as queued' },
    );
    expect(sample(text, 'backlog_rows{kind="route",crm="api",state="waiting"}')).toBe(1);
    expect(text).not.toMatch(/backlog_rows\{kind="route",crm="api",state="pending"\}/);
    expect(sample(text, 'backlog_oldest_age_seconds{kind="waiting"}')).toBeGreaterThanOrEqual(0);
    expect(
      sample(text, 'leads_routed_total{pool="france",rule="fr",outcome="assigned",reason="ROUND_ROBIN_NEXT"}'),
    ).toBe(1);
    const { backlog } = (await app.inject({ url: '/readyz' })).json();
    expect(backlog).toEqual({
      unroutedEventSeconds: null,
      waitingLeadSeconds: expect.any(Number),
      pendingWriteSeconds: null,
    });
  });
});
