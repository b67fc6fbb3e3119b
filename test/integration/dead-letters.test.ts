// Dead letters (docs/failures.md): a permanent per-record refusal is dead at once with its code;
// a write still failing when its retry horizon ends (RETRY_HORIZON_MS=1500 here) becomes one too.
// Both are listed by GET /v1/admin/failures and replayed by the API or `lead-router replay`, once:
// a second replay writes nothing. Real connector, HubSpot stand-in behind a fault proxy.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import {
  signedHubSpotWebhook,
  startHubSpotStandIn,
  type HubSpotStandIn,
  type StandInOwner,
} from '../support/hubspot-standin.js';
import { useTestSystem } from '../support/system.js';
import { testLogPath } from '../support/test-logs.js';
import { until } from '../support/until.js';

const clientSecret = 'dead-letter-secret-01';
const viewer = 'viewer-token-0123456789';
const editor = 'editor-token-0123456789';
// Round robin over ana (101), bo (102), cy (103): HubSpot does not know owner 103 yet.
const owners: StandInOwner[] = [{ id: '101' }, { id: '102' }];
const ids = ['6001', '6002', '6003', '6004', '6005'];

let standIn: HubSpotStandIn;
let proxy: FaultProxy;
let eventSeq = 90_000;

const sys = useTestSystem(async () => {
  standIn = await startHubSpotStandIn({
    records: {
      contacts: {
        ...Object.fromEntries(
          ids.map((id) => [id, { email: `c${id}@acme.example`, company: 'ACME', hubspot_owner_id: null }]),
        ),
      },
    },
    owners,
  });
  proxy = await startFaultProxy(standIn.url, { match: /\/batch\/update$/, status: 503 });
  const hubspot = {
    baseUrl: proxy.url,
    auth: { kind: 'private_app', token: 'pat-dead' },
    clientSecret,
    maxRetries: 0,
    retryBaseDelayMs: 1,
  };
  return {
    env: {
      HUBSPOT_CONFIG: JSON.stringify(hubspot),
      CONFIG_FILE: 'fixtures/config/hubspot-e2e.yaml',
      ADMIN_TOKENS: `viewer:${viewer},editor:${editor}`,
      RETRY_BASE_MS: '20',
      RETRY_MAX_MS: '200',
      RETRY_HORIZON_MS: '1500',
      CIRCUIT_FAILURES: '1000',
      SWEEP_AFTER_MS: '30000',
    },
    working: true,
    migrate: true,
    after: async () => {
      await proxy?.close();
      await standIn?.close();
    },
  };
});

function created(objectIds: string[]) {
  return sys.app.inject(
    signedHubSpotWebhook(
      clientSecret,
      objectIds.map((id) => ({
        eventId: eventSeq++,
        subscriptionType: 'contact.creation',
        objectId: Number(id),
        occurredAt: Date.now(),
        portalId: 62515,
      })),
    ),
  );
}

const write = async (recordId: string) =>
  (
    await sys.sql.rows<{
      id: string;
      status: string;
      attempts: number;
      error_code: string | null;
      owner_id: string;
      first_failed_at: Date | null;
    }>(`select id, status, attempts, error_code, owner_id, first_failed_at from outbox where record_id = $1`, [
      recordId,
    ])
  )[0];
const writesTo = (recordId: string) => standIn.writes.filter((w) => w.id === recordId).length;
const failures = (query: string, token = viewer) =>
  sys.app.inject({ url: `/v1/admin/failures${query}`, headers: { 'x-admin-token': token } });
const replay = (body: unknown, token = editor) =>
  sys.app.inject({
    method: 'POST',
    url: '/v1/admin/failures/replay',
    headers: { 'x-admin-token': token },
    payload: body as object,
  });

describe('refused for good', () => {
  it('a write HubSpot refuses for the record (unknown owner) is a dead letter at once, with its code; the others are written', async () => {
    expect((await created(['6001', '6002', '6003'])).statusCode).toBe(200);
    await until(async () => (await write('6003'))?.status === 'failed', {
      what: "cy's write (owner 103) to be refused",
    });
    expect(await write('6003')).toMatchObject({
      status: 'failed',
      attempts: 1,
      error_code: 'CRM_REJECTED',
      owner_id: '103',
    });
    await until(async () => (await write('6001'))?.status === 'done' && (await write('6002'))?.status === 'done', {
      what: 'the two good writes',
    });

    const res = await failures('?code=CRM_REJECTED');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.nextCursor).toBeNull();
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toMatchObject({
      kind: 'writeback',
      id: (await write('6003'))!.id,
      record: { crm: 'hubspot', objectType: 'contact', recordId: '6003' },
      ownerId: '103',
      status: 'failed',
      code: 'CRM_REJECTED',
      attempts: 1,
    });
    expect(body.items[0].lastError).toMatch(/^CRM_REJECTED: /);

    // The dead letter's log line names the lead it is about, as every line about a lead does (docs/operations.md).
    const row = (await write('6003'))!;
    const [ids] = await sys.sql.rows<{ lead_id: string; event_id: string; request_id: string | null }>(
      `select o.lead_id, a.event_id, e.request_id from outbox o join assignments a on a.id = o.assignment_id join inbound_events e on e.id = a.event_id where o.id = $1`,
      [row.id],
    );
    const deadLine = async () =>
      readFileSync(testLogPath(), 'utf8')
        .split('\n')
        .filter((l) => l.includes('"dead letter'))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => l.outboxId === row.id);
    await until(async () => (await deadLine()) !== undefined, { what: "the dead letter's log line" });
    expect(await deadLine()).toMatchObject({
      leadId: ids!.lead_id,
      eventId: ids!.event_id,
      ...(ids!.request_id && { requestId: ids!.request_id }),
      code: 'CRM_REJECTED',
    });
  });

  it('an event for a record HubSpot no longer has is a route dead letter with its code', async () => {
    // 6999 does not exist in the stand-in: the batch read says so, for good.
    expect((await created(['6999'])).statusCode).toBe(200);
    await until(async () => (await failures('?kind=route')).json().items.length === 1, {
      what: 'the route dead letter',
    });
    expect((await failures('?kind=route')).json().items[0]).toMatchObject({
      kind: 'route',
      record: { crm: 'hubspot', recordId: '6999' },
      status: 'failed',
      code: 'CRM_NOT_FOUND',
      attempts: 1,
      outboxId: null,
    });
  });
});

describe('retry horizon spent', () => {
  it('writes still failing at the end of their horizon become dead letters; replay writes each once, a second replay nothing', async () => {
    proxy.down = true;
    expect((await created(['6004', '6005'])).statusCode).toBe(200);
    await until(async () => (await write('6004'))?.status === 'failed' && (await write('6005'))?.status === 'failed', {
      timeoutMs: 30_000,
      what: 'both writes given up',
    });
    for (const id of ['6004', '6005']) {
      const w = (await write(id))!;
      expect(w).toMatchObject({ status: 'failed', error_code: 'CRM_TEMPORARY' });
      expect(w.attempts).toBeGreaterThan(1);
    }
    expect(writesTo('6004') + writesTo('6005')).toBe(0);

    // Listed, filtered, paged; the viewer may read but not replay.
    const page1 = (await failures('?crm=hubspot&code=CRM_TEMPORARY&limit=1')).json();
    expect(page1.items).toHaveLength(1);
    const page2 = (await failures(`?crm=hubspot&code=CRM_TEMPORARY&limit=1&cursor=${page1.nextCursor}`)).json();
    expect(page2.nextCursor).toBeNull();
    expect([page1.items[0].record.recordId, page2.items[0].record.recordId].sort()).toEqual(['6004', '6005']);
    expect((await failures(`?since=${new Date(Date.now() + 60_000).toISOString()}`)).json().items).toEqual([]);
    expect((await failures('?crm=salesforce')).json().items).toEqual([]);
    expect((await failures('?since=yesterday')).json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'query.since', message: 'must be an ISO 8601 time' }],
    });
    expect((await replay({ code: 'CRM_TEMPORARY' }, viewer)).statusCode).toBe(403);

    proxy.down = false;
    const dry = (await replay({ code: 'CRM_TEMPORARY', dryRun: true })).json();
    expect(dry.dryRun).toBe(true);
    expect(dry.replayed).toHaveLength(2);
    expect((await write('6004'))!.status).toBe('failed');

    const first = await replay({ crm: 'hubspot', code: 'CRM_TEMPORARY' });
    expect(first.statusCode).toBe(200);
    expect(first.json().replayed.map((r: { kind: string }) => r.kind)).toEqual(['writeback', 'writeback']);
    await until(async () => (await write('6004'))?.status === 'done' && (await write('6005'))?.status === 'done', {
      what: 'the replayed writes',
    });
    expect([writesTo('6004'), writesTo('6005')]).toEqual([1, 1]);

    const second = (await replay({ crm: 'hubspot', code: 'CRM_TEMPORARY', ids: [(await write('6004'))!.id] })).json();
    expect(second.replayed).toEqual([]);
    expect(second.skipped).toEqual([
      { kind: null, id: (await write('6004'))!.id, reason: expect.stringContaining('not a dead letter') },
    ]);
    expect((await write('6004'))!.status).toBe('done');
    expect([writesTo('6004'), writesTo('6005')]).toEqual([1, 1]);
  });

  it('`lead-router replay --code CRM_REJECTED` once HubSpot knows the owner: written once; run again, nothing', async () => {
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l) };
    const deadId = (await write('6003'))!.id;
    expect(await runCli(['replay', '--code', 'CRM_REJECTED', '--dry-run'], { env: sys.rt.env, io })).toBe(0);
    expect(out).toEqual([`would replay writeback ${deadId}`, 'dry run: 1 would be replayed, 0 skipped']);
    expect((await write('6003'))!.status).toBe('failed');

    owners.push({ id: '103' });
    out.length = 0;
    expect(await runCli(['replay', '--code', 'CRM_REJECTED', '--crm', 'hubspot'], { env: sys.rt.env, io })).toBe(0);
    expect(out).toEqual([`replayed writeback ${deadId}`, '1 replayed, 0 skipped']);
    // The CLI only touches the database: the workers' sweeper enqueues the row, due now.
    await until(async () => (await write('6003'))?.status === 'done', { what: 'the replayed write' });
    expect(writesTo('6003')).toBe(1);

    out.length = 0;
    expect(await runCli(['replay', '--code', 'CRM_REJECTED'], { env: sys.rt.env, io })).toBe(0);
    expect(out).toEqual(['0 replayed, 0 skipped']);
    expect(await runCli(['replay', '--kind', 'nope'], { env: sys.rt.env, io })).toBe(2);
    expect(writesTo('6003')).toBe(1);
  });
});
