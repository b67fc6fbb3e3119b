// SLA timers against real Postgres and Redis, on a settable clock shared by two worker processes
// (in-process runtimes on one database and one queue prefix), so hours pass without waiting.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Env } from '../../src/config/index.js';
import type { InboundEvent } from '../../src/connector.js';
import { fireSlaTimer, ingestCrmEvents } from '../../src/pipeline/index.js';
import { clearQueuePrefix, createTestDatabase, sqlClient, type TestDatabase } from '../support/services.js';
import { testApiKey, testEnv } from '../support/system.js';
import { until } from '../support/until.js';
import {
  contactMapping,
  created,
  fakeHubSpot,
  hubspotConfigEnv,
  ownerChanged,
  startSystem,
  updated,
  writeConfigFile,
  type Clock,
  type TestSystem,
} from './sync-helpers.js';

const weekdays = {
  mon: ['09:00-17:00'],
  tue: ['09:00-17:00'],
  wed: ['09:00-17:00'],
  thu: ['09:00-17:00'],
  fri: ['09:00-17:00'],
};
const config = {
  // The reason field set: the SLA's reassignment writes its reason there too.
  mappings: { 'hubspot/contact': { ...contactMapping, reasonField: 'lr_route_reason' } },
  routing: {
    reps: [
      { id: 'ana', crmIds: { hubspot: '101' } },
      { id: 'bo', crmIds: { hubspot: '102' } },
      { id: 'cy', crmIds: { hubspot: '103' } },
      { id: 'mgr', crmIds: { hubspot: '109' } },
      { id: 'wd1', crmIds: { hubspot: '201' }, timeZone: 'Europe/Berlin', workingHours: weekdays },
      { id: 'wd2', crmIds: { hubspot: '202' }, timeZone: 'Europe/Berlin', workingHours: weekdays },
    ],
    pools: [
      {
        id: 'fast',
        strategy: 'round_robin',
        members: ['ana', 'bo', 'cy'],
        sla: {
          minutes: 30,
          claimedWhen: [{ field: 'hs_lead_status', notIn: ['NEW'] }],
          maxReassignments: 1,
          managerRepId: 'mgr',
        },
      },
      {
        id: 'weekday',
        strategy: 'round_robin',
        members: ['wd1', 'wd2'],
        sla: { minutes: 60, workingHours: true, maxReassignments: 1 },
      },
    ],
    rules: [
      { id: 'dach', when: { field: 'country', op: 'eq', value: 'DE' }, action: { pool: 'weekday' } },
      { id: 'everyone', when: { match: 'always' }, action: { pool: 'fast' } },
    ],
  },
};

let tdb: TestDatabase;
let env: Env;
let a: TestSystem;
let b: TestSystem;
let sql: Awaited<ReturnType<typeof sqlClient>>;
// Friday 2026-12-04 16:30 in Berlin.
const clock: Clock = { at: new Date('2026-12-04T15:30:00Z') };
const advance = (minutes: number) => (clock.at = new Date(clock.at.getTime() + minutes * 60_000));
const wait = { timeoutMs: 60_000 };

beforeAll(async () => {
  tdb = await createTestDatabase();
  env = testEnv(tdb.url, { CONFIG_FILE: writeConfigFile(config), HUBSPOT_CONFIG: hubspotConfigEnv });
  const { openDatabase } = await import('../../src/runtime.js');
  const db = await openDatabase(env);
  await db.migrate();
  await db.close();
  const hubspot = fakeHubSpot();
  a = await startSystem(env, { clock, connectors: { hubspot }, working: true });
  b = await startSystem(env, { clock, connectors: { hubspot }, working: true });
  sql = await sqlClient(tdb.url);
}, 120_000);

afterAll(async () => {
  await a?.close();
  await b?.close();
  if (env) await clearQueuePrefix(env.QUEUE_PREFIX);
  await sql?.end();
  await tdb?.drop();
});

async function feed(...events: InboundEvent[]) {
  await ingestCrmEvents(a.rt.deps, 'hubspot', events);
  const ids = events.map((e) => e.sourceEventId);
  await until(
    async () =>
      (
        await sql.rows(
          `select 1 from inbound_events where source = 'hubspot' and source_event_id = any($1) and status = 'done'`,
          [ids],
        )
      ).length === ids.length,
    { ...wait, what: `events ${ids.join(',')} done` },
  );
}

type TimerRow = {
  id: string;
  rep_id: string;
  status: string;
  due_at: Date;
  reassignments: number;
  breach_action: string | null;
  closed_reason: string | null;
  next_rep_id: string | null;
};
const timers = (leadId: string) =>
  sql.rows<TimerRow>(
    `select id, rep_id, status, due_at, reassignments, breach_action, closed_reason, next_rep_id from sla_timers where lead_id = $1 order by created_at`,
    [leadId],
  );

async function routed(recordId: string, fields: Record<string, unknown> = {}) {
  await feed(created(recordId, { ...fields, hs_lead_status: 'NEW' }));
  const [lead] = await sql.rows<{ id: string; owner_rep_id: string }>(
    `select id, owner_rep_id from leads where record_id = $1`,
    [recordId],
  );
  return lead!;
}

async function openCount(rep: string) {
  const [r] = await sql.rows<{ value: string }>(`select value from routing_counters where key = $1`, [
    `rep:${rep}:open`,
  ]);
  return Number(r?.value ?? 0);
}

const breachCount = async (leadId: string) =>
  (
    await sql.rows(
      `select 1 from inbound_events where source = 'sla' and record_id = (select record_id from leads where id = $1)`,
      [leadId],
    )
  ).length;

describe('SLA timers', () => {
  it('counts working minutes only: routed Friday 16:30 with 60 minutes, due Monday 09:30 (Berlin), fires then, not over the weekend', async () => {
    const lead = await routed('8001', { country: 'DE' });
    const [t] = await timers(lead.id);
    expect(t).toMatchObject({ rep_id: lead.owner_rep_id, status: 'pending', reassignments: 0 });
    expect(t!.due_at.toISOString()).toBe('2026-12-07T08:30:00.000Z');

    advance(20 * 60); // Saturday 12:30 Berlin
    expect(await fireSlaTimer(a.rt.deps, t!.id)).toBe('not_due');
    clock.at = new Date('2026-12-07T08:31:00Z'); // Monday 09:31 Berlin
    await until(async () => (await timers(lead.id)).length === 2, { ...wait, what: 'the breach and the next timer' });
    const [breached, next] = await timers(lead.id);
    const other = lead.owner_rep_id === 'wd1' ? 'wd2' : 'wd1';
    expect(breached).toMatchObject({
      status: 'breached',
      breach_action: 'reassign',
      closed_reason: 'REASSIGNED',
      next_rep_id: other,
    });
    expect(next).toMatchObject({ rep_id: other, status: 'pending', reassignments: 1 });
    // 60 working minutes from Monday 09:31 Berlin.
    expect(next!.due_at.toISOString()).toBe('2026-12-07T09:31:00.000Z');
  });

  it('reassigns exactly once with two workers and a Redis restart in between, then escalates to the manager after K', async () => {
    clock.at = new Date('2026-12-07T10:00:00Z');
    const lead = await routed('8002');
    const first = lead.owner_rep_id;
    const [t] = await timers(lead.id);
    expect(t).toMatchObject({ status: 'pending', rep_id: first });
    const before = { first: await openCount(first) };

    // Redis loses everything (the delayed SLA job included); only Postgres remembers the timer.
    await clearQueuePrefix(env.QUEUE_PREFIX);
    advance(31);
    // Both workers' sweepers race for it, and so do two direct calls.
    const direct = await Promise.all([fireSlaTimer(a.rt.deps, t!.id), fireSlaTimer(b.rt.deps, t!.id)]);
    await until(async () => (await timers(lead.id)).length === 2, { ...wait, what: 'the reassignment' });
    expect(direct.filter((r) => r === 'reassigned').length).toBeLessThanOrEqual(1);

    const [breached, next] = await timers(lead.id);
    expect(breached).toMatchObject({ status: 'breached', breach_action: 'reassign', rep_id: first });
    expect(next!.rep_id).not.toBe(first);
    expect(next).toMatchObject({ status: 'pending', reassignments: 1 });
    expect(await breachCount(lead.id)).toBe(1);
    const owners = await sql.rows(`select owner_id, extra_fields from outbox where lead_id = $1 order by created_at`, [
      lead.id,
    ]);
    expect(owners).toEqual([
      { owner_id: expect.any(String), extra_fields: { lr_route_reason: 'everyone: ROUND_ROBIN_NEXT' } },
      { owner_id: expect.any(String), extra_fields: { lr_route_reason: `sla: reassign after ${first} did not claim` } },
    ]);
    const [now] = await sql.rows<{ owner_rep_id: string }>(`select owner_rep_id from leads where id = $1`, [lead.id]);
    expect(now!.owner_rep_id).toBe(next!.rep_id);
    expect(await openCount(first)).toBe(before.first - 1);
    const slaAssignments = await sql.rows(
      `select a.rep_id from assignments a join inbound_events e on e.id = a.event_id where a.lead_id = $1 and e.kind = 'slaBreach'`,
      [lead.id],
    );
    expect(slaAssignments).toEqual([{ rep_id: next!.rep_id }]);

    // Firing the spent timer again, from either worker, does nothing.
    expect(await Promise.all([fireSlaTimer(a.rt.deps, t!.id), fireSlaTimer(b.rt.deps, t!.id)])).toEqual([
      'not_pending',
      'not_pending',
    ]);

    // The second rep lets it lapse too: K = 1 reassignment used, so the manager gets it; no further timer.
    advance(31);
    await until(async () => (await timers(lead.id))[1]!.status === 'breached', { ...wait, what: 'the escalation' });
    const all = await timers(lead.id);
    expect(all).toHaveLength(2);
    expect(all[1]).toMatchObject({ breach_action: 'escalate', closed_reason: 'ESCALATED', next_rep_id: 'mgr' });
    const [final] = await sql.rows(`select owner_rep_id, crm_owner_id from leads where id = $1`, [lead.id]);
    expect(final).toEqual({ owner_rep_id: 'mgr', crm_owner_id: '109' });
    expect(await breachCount(lead.id)).toBe(2);
    const metrics = [await a.rt.deps.metrics.slaBreaches.get(), await b.rt.deps.metrics.slaBreaches.get()].flatMap(
      (m) => m.values,
    );
    const byAction = (action: string) =>
      metrics.filter((v) => v.labels.action === action).reduce((s, v) => s + v.value, 0);
    expect(byAction('escalate')).toBe(1);
    expect(byAction('reassign')).toBeGreaterThanOrEqual(2); // this test's and the weekend test's
  });

  it('a claiming field change before the deadline ends the timer; a field change that does not claim leaves it', async () => {
    const lead = await routed('8003');
    await feed(updated('8003', { hs_lead_status: 'NEW' }));
    expect((await timers(lead.id))[0]!.status).toBe('pending');
    await feed(updated('8003', { hs_lead_status: 'IN_PROGRESS' }));
    expect((await timers(lead.id))[0]).toMatchObject({ status: 'claimed', closed_reason: 'CLAIMED' });
    advance(60);
    expect(await fireSlaTimer(a.rt.deps, (await timers(lead.id))[0]!.id)).toBe('not_pending');
    expect(await breachCount(lead.id)).toBe(0);
  });

  it('an explicit claim (POST /v1/leads/:id/claim) and a manual reassignment each end the timer', async () => {
    const claimed = await routed('8004');
    const res = await a.app.inject({
      method: 'POST',
      url: `/v1/leads/${claimed.id}/claim`,
      headers: { 'x-api-key': testApiKey, 'content-type': 'application/json' },
      payload: JSON.stringify({ by: 'dialer' }),
    });
    expect(res.statusCode).toBe(200);
    const [t] = await timers(claimed.id);
    expect(res.json()).toEqual({
      leadId: claimed.id,
      claimedAt: clock.at.toISOString(),
      claimedBy: 'api:dialer',
      timers: [{ id: t!.id, repId: claimed.owner_rep_id, dueAt: t!.due_at.toISOString() }],
    });
    expect(t!.status).toBe('claimed');

    const moved = await routed('8005');
    await feed(
      ownerChanged('8005', moved.owner_rep_id === 'ana' ? '102' : '101', { at: new Date(clock.at.getTime() + 1000) }),
    );
    expect((await timers(moved.id))[0]).toMatchObject({ status: 'cancelled', closed_reason: 'OWNER_CHANGED' });

    advance(60);
    for (const id of [claimed.id, moved.id]) expect(await breachCount(id)).toBe(0);
    const history = (await a.app.inject({ method: 'GET', url: `/v1/leads/${claimed.id}/history`, headers: {} }))
      .statusCode;
    expect(history).toBe(401);
  });
});
