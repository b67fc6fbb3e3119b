// GET /v1/reports/* on seeded rows (real Postgres): every figure asserted exactly. The rows are
// written as the pipeline writes them (inbound event, lead, assignment, lead_reports row, timers,
// conflicts, availability history); test/integration/reports-pipeline.test.ts checks that the
// pipeline itself fills lead_reports.
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestSystem } from '../support/system.js';
import { editorToken, viewerToken, writeConfigFile } from './sync-helpers.js';

const config = {
  mappings: { 'hubspot/contact': { fields: [{ from: 'email', to: 'email' }] } },
  routing: {
    reps: [
      { id: 'ana', crmIds: { hubspot: '101' } },
      { id: 'bo', crmIds: { hubspot: '102' } },
      { id: 'cy', crmIds: { hubspot: '103' }, away: [{ from: '2026-11-01', to: '2026-11-02' }] },
      { id: 'dan', crmIds: { hubspot: '104' } },
    ],
    pools: [
      { id: 'inbound', strategy: 'round_robin', members: ['ana', 'bo', 'cy'] },
      { id: 'enterprise', strategy: 'weighted_round_robin', members: ['ana', 'dan'], weights: { ana: 3 } },
      { id: 'trial', strategy: 'round_robin', members: ['ana', 'bo'], mode: 'shadow' },
    ],
    rules: [{ id: 'all', when: { match: 'always' }, action: { pool: 'inbound' } }],
  },
};

const sys = useTestSystem(() => ({
  migrate: true,
  clock: { at: new Date('2026-11-10T00:00:00Z') },
  env: { CONFIG_FILE: writeConfigFile(config), ADMIN_TOKENS: `viewer:${viewerToken},editor:${editorToken}` },
}));

const t = (iso: string, plusMs = 0) => new Date(Date.parse(iso) + plusMs);
const period = 'from=2026-11-01T00:00:00Z&to=2026-11-08T00:00:00Z';

interface Seed {
  record: string;
  received: string;
  pool?: string;
  rep?: string;
  outcome?: string;
  reason?: string;
  source?: string;
  mode?: 'live' | 'shadow';
  /** ms before received */
  createdBefore?: number;
  /** ms after received (default 10) */
  decided?: number;
  /** ms after decided */
  written?: number;
  /** ms after written */
  confirmed?: number;
  crmSet?: { owner: string; rep: string | null; by: string; source: string };
}

const crmIdOf: Record<string, string> = { ana: '101', bo: '102', cy: '103', dan: '104' };

/** One lead as routing stores it; answers its lead and assignment ids. */
async function seed(s: Seed): Promise<{ leadId: string; assignmentId: string }> {
  const received = t(s.received);
  const decided = t(s.received, s.decided ?? 10);
  const written = s.written === undefined ? null : new Date(decided.getTime() + s.written);
  const confirmed = written && s.confirmed !== undefined ? new Date(written.getTime() + s.confirmed) : null;
  const outcome = s.outcome ?? 'assigned';
  const [ev] = await sys.sql.rows<{ id: string }>(
    `insert into inbound_events (source, source_event_id, kind, crm, object_type, record_id, payload, status, received_at)
     values ('hubspot', $1, 'created', 'hubspot', 'contact', $1, '{}', 'done', $2) returning id`,
    [s.record, received],
  );
  const [lead] = await sys.sql.rows<{ id: string }>(
    `insert into leads (crm, object_type, record_id, data) values ('hubspot', 'contact', $1, '{}') returning id`,
    [s.record],
  );
  const ownerId = s.rep ? crmIdOf[s.rep]! : null;
  const [a] = await sys.sql.rows<{ id: string }>(
    `insert into assignments (event_id, lead_id, outcome, rep_id, crm_owner_id, pool_id, reason_code, decision, config_version, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, '{}', 1, $8) returning id`,
    [ev!.id, lead!.id, outcome, s.rep ?? null, ownerId, s.pool ?? null, s.reason ?? 'ASSIGNED', decided],
  );
  await sys.sql.query(
    `insert into lead_reports (lead_id, assignment_id, crm, source, pool_id, outcome, reason_code, rep_id, crm_owner_id, mode,
       crm_created_at, received_at, decided_at, written_at, confirmed_at, crm_set_owner_id, crm_set_rep_id, crm_set_by, crm_set_source, crm_set_at)
     values ($1, $2, 'hubspot', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
    [
      lead!.id,
      a!.id,
      s.source ?? 'hubspot',
      s.pool ?? null,
      outcome,
      s.reason ?? 'ASSIGNED',
      s.rep ?? null,
      ownerId,
      s.mode ?? 'live',
      s.createdBefore === undefined ? null : t(s.received, -s.createdBefore),
      received,
      decided,
      written,
      confirmed,
      s.crmSet?.owner ?? null,
      s.crmSet?.rep ?? null,
      s.crmSet?.by ?? null,
      s.crmSet?.source ?? null,
      s.crmSet ? t(s.received, 60_000) : null,
    ],
  );
  return { leadId: lead!.id, assignmentId: a!.id };
}

async function timer(
  x: { leadId: string; assignmentId: string },
  pool: string,
  status: string,
  closedAt: string,
  action?: string,
  nextRep?: string,
) {
  await sys.sql.query(
    `insert into sla_timers (lead_id, assignment_id, pool_id, rep_id, due_at, status, breach_action, next_rep_id, closed_at, created_at)
     values ($1, $2, $3, 'ana', $4, $5, $6, $7, $4, $4::timestamptz - interval '30 minutes')`,
    [x.leadId, x.assignmentId, pool, t(closedAt), status, action ?? null, nextRep ?? null],
  );
}

async function conflict(x: { leadId: string }, policy: string, outcome: string, at: string, n: number) {
  const [ev] = await sys.sql.rows<{ id: string }>(
    `insert into inbound_events (source, source_event_id, kind, crm, object_type, record_id, payload, status)
     values ('hubspot', $1, 'ownerChanged', 'hubspot', 'contact', $1, '{}', 'done') returning id`,
    [`conflict-${n}`],
  );
  await sys.sql.query(
    `insert into conflicts (event_id, lead_id, crm, object_type, record_id, policy, policy_from, outcome, reason, occurred_at, created_at)
     values ($1, $2, 'hubspot', 'contact', 'x', $3, 'default', $4, 'seeded', $5, $5)`,
    [ev!.id, x.leadId, policy, outcome, t(at)],
  );
}

let shadowDiffer: string;

beforeAll(async () => {
  // Speed to lead: four leads with their owner written (totals 1500, 2000, 6000, 100 ms).
  const a = await seed({
    record: 'A',
    received: '2026-11-02T10:00:00Z',
    pool: 'inbound',
    rep: 'ana',
    createdBefore: 1000,
    decided: 100,
    written: 400,
    confirmed: 1500,
  });
  const b = await seed({
    record: 'B',
    received: '2026-11-02T12:00:00Z',
    pool: 'inbound',
    rep: 'ana',
    decided: 200,
    written: 1800,
  });
  const c = await seed({
    record: 'C',
    received: '2026-11-03T08:00:00Z',
    pool: 'inbound',
    rep: 'bo',
    source: 'webinar',
    createdBefore: 5000,
    decided: 300,
    written: 700,
    confirmed: 500,
  });
  const d = await seed({
    record: 'D',
    received: '2026-11-05T09:00:00Z',
    pool: 'enterprise',
    rep: 'ana',
    decided: 50,
    written: 50,
    confirmed: 2500,
  });
  // The rest of the distribution: inbound ana 4, bo 3, cy 1; enterprise ana 2, dan 2.
  await seed({ record: 'E', received: '2026-11-04T09:00:00Z', pool: 'inbound', rep: 'ana' });
  await seed({ record: 'F', received: '2026-11-04T10:00:00Z', pool: 'inbound', rep: 'ana' });
  await seed({ record: 'G', received: '2026-11-06T10:00:00Z', pool: 'inbound', rep: 'bo' });
  await seed({ record: 'H', received: '2026-11-06T11:00:00Z', pool: 'inbound', rep: 'bo' });
  await seed({ record: 'I', received: '2026-11-07T11:00:00Z', pool: 'inbound', rep: 'cy' });
  await seed({ record: 'J', received: '2026-11-05T11:00:00Z', pool: 'enterprise', rep: 'ana' });
  await seed({ record: 'K', received: '2026-11-05T12:00:00Z', pool: 'enterprise', rep: 'dan' });
  await seed({ record: 'L', received: '2026-11-05T13:00:00Z', pool: 'enterprise', rep: 'dan' });
  // Not assigned: 2 unassigned NO_RULE_MATCHED, 1 POOL_EXHAUSTED, 1 skipped as closed.
  await seed({ record: 'M', received: '2026-11-03T09:00:00Z', outcome: 'unassigned', reason: 'NO_RULE_MATCHED' });
  await seed({ record: 'N', received: '2026-11-03T10:00:00Z', outcome: 'unassigned', reason: 'NO_RULE_MATCHED' });
  await seed({
    record: 'O',
    received: '2026-11-03T11:00:00Z',
    pool: 'inbound',
    outcome: 'unassigned',
    reason: 'POOL_EXHAUSTED',
  });
  await seed({ record: 'P', received: '2026-11-03T12:00:00Z', outcome: 'skipped', reason: 'SKIPPED_CLOSED' });
  // Shadow mode (pool trial): ana agreed with the CRM, bo differed, the third not assigned by the CRM yet.
  await seed({
    record: 'S1',
    received: '2026-11-06T09:00:00Z',
    pool: 'trial',
    rep: 'ana',
    mode: 'shadow',
    crmSet: { owner: '101', rep: 'ana', by: 'workflow:7', source: 'AUTOMATION_PLATFORM' },
  });
  const s2 = await seed({
    record: 'S2',
    received: '2026-11-06T10:00:00Z',
    pool: 'trial',
    rep: 'bo',
    mode: 'shadow',
    crmSet: { owner: '101', rep: 'ana', by: 'user:9001', source: 'CRM_UI' },
  });
  shadowDiffer = s2.leadId;
  await seed({ record: 'S3', received: '2026-11-06T11:00:00Z', pool: 'trial', rep: 'ana', mode: 'shadow' });
  // Outside the period: counted nowhere.
  const old = await seed({
    record: 'Z',
    received: '2026-10-30T09:00:00Z',
    pool: 'inbound',
    rep: 'cy',
    decided: 5,
    written: 5,
    outcome: 'assigned',
  });
  await seed({ record: 'Z2', received: '2026-10-30T10:00:00Z', outcome: 'unassigned', reason: 'NO_RULE_MATCHED' });
  // The API marked bo away for one day of the seven.
  await sys.sql.query(
    `insert into rep_availability_changes (rep_id, status, away_until, changed_by, changed_at) values
     ('bo', 'back', null, 'editor:1', '2026-10-20T00:00:00Z'), ('bo', 'away', '2026-11-05T00:00:00Z', 'editor:1', '2026-11-04T00:00:00Z')`,
  );
  // SLA: A claimed in time; B reassigned to bo; C breached with nobody to take it; D escalated; Z breached in October.
  await timer(a, 'inbound', 'claimed', '2026-11-02T10:05:00Z');
  await timer(b, 'inbound', 'breached', '2026-11-02T13:00:00Z', 'reassign', 'bo');
  await timer(c, 'inbound', 'breached', '2026-11-03T09:00:00Z', 'reassign');
  await timer(d, 'enterprise', 'breached', '2026-11-05T10:00:00Z', 'escalate');
  await timer(old, 'inbound', 'breached', '2026-10-30T11:00:00Z', 'reassign', 'ana');
  // Conflicts: two adopted under crm_wins, one reverted under router_wins; one in October.
  await conflict(a, 'crm_wins', 'adopted', '2026-11-02T11:00:00Z', 1);
  await conflict(b, 'crm_wins', 'adopted', '2026-11-02T14:00:00Z', 2);
  await conflict(c, 'router_wins', 'reverted', '2026-11-03T10:00:00Z', 3);
  await conflict(old, 'crm_wins', 'adopted', '2026-10-30T12:00:00Z', 4);
  // Waiting: two leads a full pool holds (one of a record routed before).
  await sys.sql.query(
    `insert into inbound_events (source, source_event_id, kind, crm, object_type, record_id, payload, status, waiting_pool_id, received_at) values
     ('hubspot', 'w1', 'created', 'hubspot', 'contact', 'A', '{}', 'queued', 'inbound', '2026-11-09T23:00:00Z'),
     ('hubspot', 'w2', 'created', 'hubspot', 'contact', 'W2', '{}', 'queued', 'enterprise', '2026-11-09T23:59:00Z')`,
  );
}, 60_000);

const viewer = { 'x-admin-token': viewerToken };
async function get(url: string) {
  const res = await sys.app.inject({ url, headers: viewer });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

describe('GET /v1/reports/speed-to-lead', () => {
  it('gives exact percentiles overall, per stage and per day', async () => {
    expect(await get(`/v1/reports/speed-to-lead?${period}`)).toEqual({
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-08T00:00:00.000Z',
      bucket: 'day',
      overall: { count: 4, p50_ms: 1500, p95_ms: 6000, p99_ms: 6000 },
      stages: {
        created_to_received: { count: 2, p50_ms: 1000, p95_ms: 5000, p99_ms: 5000 },
        received_to_decided: { count: 19, p50_ms: 10, p95_ms: 300, p99_ms: 300 },
        decided_to_written: { count: 4, p50_ms: 400, p95_ms: 1800, p99_ms: 1800 },
        written_to_confirmed: { count: 3, p50_ms: 1500, p95_ms: 2500, p99_ms: 2500 },
      },
      buckets: [
        { start: '2026-11-02T00:00:00.000Z', count: 2, p50_ms: 1500, p95_ms: 2000, p99_ms: 2000 },
        { start: '2026-11-03T00:00:00.000Z', count: 1, p50_ms: 6000, p95_ms: 6000, p99_ms: 6000 },
        { start: '2026-11-05T00:00:00.000Z', count: 1, p50_ms: 100, p95_ms: 100, p99_ms: 100 },
      ],
    });
  });

  it('buckets by ISO week and filters by pool, source and CRM', async () => {
    const week = await get(`/v1/reports/speed-to-lead?${period}&bucket=week`);
    expect(week.buckets).toEqual([
      { start: '2026-11-02T00:00:00.000Z', count: 4, p50_ms: 1500, p95_ms: 6000, p99_ms: 6000 },
    ]);
    expect((await get(`/v1/reports/speed-to-lead?${period}&pool=enterprise`)).overall).toEqual({
      count: 1,
      p50_ms: 100,
      p95_ms: 100,
      p99_ms: 100,
    });
    expect((await get(`/v1/reports/speed-to-lead?${period}&source=webinar`)).overall).toEqual({
      count: 1,
      p50_ms: 6000,
      p95_ms: 6000,
      p99_ms: 6000,
    });
    expect((await get(`/v1/reports/speed-to-lead?${period}&crm=salesforce`)).overall).toEqual({
      count: 0,
      p50_ms: null,
      p95_ms: null,
      p99_ms: null,
    });
  });

  it('refuses a period that runs backwards, naming the field, and asks for a token', async () => {
    const res = await sys.app.inject({
      url: '/v1/reports/speed-to-lead?from=2026-11-08T00:00:00Z&to=2026-11-01T00:00:00Z',
      headers: viewer,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'query.from', message: 'must be before `to`' }],
    });
    const bad = await sys.app.inject({ url: '/v1/reports/speed-to-lead?bucket=month', headers: viewer });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('query.bucket');
    expect((await sys.app.inject({ url: '/v1/reports/waiting' })).statusCode).toBe(401);
  });
});

describe('GET /v1/reports/distribution', () => {
  it("sets each rep's target by weight and availability, with the shortfall", async () => {
    expect(await get(`/v1/reports/distribution?${period}`)).toEqual({
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-08T00:00:00.000Z',
      pools: [
        {
          pool: 'inbound',
          leads: 8,
          reps: [
            // shares 1, 6/7 (bo away 1 of 7 days), 5/7 (cy away 2 days): targets 8 x 7/18, 6/18, 5/18.
            { rep: 'ana', leads: 4, weight: 1, availability: 1, target: 3.11, shortfall: -0.89 },
            { rep: 'bo', leads: 3, weight: 1, availability: 0.86, target: 2.67, shortfall: -0.33 },
            { rep: 'cy', leads: 1, weight: 1, availability: 0.71, target: 2.22, shortfall: 1.22 },
          ],
        },
        {
          pool: 'enterprise',
          leads: 4,
          reps: [
            { rep: 'ana', leads: 2, weight: 3, availability: 1, target: 3, shortfall: 1 },
            { rep: 'dan', leads: 2, weight: 1, availability: 1, target: 1, shortfall: -1 },
          ],
        },
        {
          pool: 'trial',
          leads: 3,
          reps: [
            { rep: 'ana', leads: 2, weight: 1, availability: 1, target: 1.62, shortfall: -0.38 },
            { rep: 'bo', leads: 1, weight: 1, availability: 0.86, target: 1.38, shortfall: 0.38 },
          ],
        },
      ],
    });
    const one = await get(`/v1/reports/distribution?${period}&pool=enterprise`);
    expect(one.pools.map((p: { pool: string }) => p.pool)).toEqual(['enterprise']);
  });
});

describe('GET /v1/reports/unassigned, waiting, sla, conflicts', () => {
  it('counts unassigned and skipped leads by reason', async () => {
    expect(await get(`/v1/reports/unassigned?${period}`)).toEqual({
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-08T00:00:00.000Z',
      total: 4,
      reasons: [
        { reason: 'NO_RULE_MATCHED', outcome: 'unassigned', count: 2 },
        { reason: 'SKIPPED_CLOSED', outcome: 'skipped', count: 1 },
        { reason: 'POOL_EXHAUSTED', outcome: 'unassigned', count: 1 },
      ],
    });
  });

  it('lists the waiting leads oldest first with their age', async () => {
    const [a] = await sys.sql.rows<{ id: string }>(`select id from leads where record_id = 'A'`);
    const body = await get('/v1/reports/waiting');
    expect(body).toEqual({
      count: 2,
      leads: [
        {
          leadId: a!.id,
          eventId: expect.any(String),
          pool: 'inbound',
          since: '2026-11-09T23:00:00.000Z',
          ageSeconds: 3600,
        },
        {
          leadId: null,
          eventId: expect.any(String),
          pool: 'enterprise',
          since: '2026-11-09T23:59:00.000Z',
          ageSeconds: 60,
        },
      ],
    });
    expect((await get('/v1/reports/waiting?limit=1')).leads).toHaveLength(1);
  });

  it('counts SLA breaches and the reassignments they made', async () => {
    expect(await get(`/v1/reports/sla?${period}`)).toEqual({
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-08T00:00:00.000Z',
      breaches: 3,
      reassignments: 1,
      escalations: 1,
      stopped: 0,
      armed: 4,
      claimedInTime: 1,
      byPool: [
        { pool: 'enterprise', breaches: 1, reassignments: 0 },
        { pool: 'inbound', breaches: 2, reassignments: 1 },
      ],
    });
  });

  it('counts conflicts by policy and outcome', async () => {
    expect(await get(`/v1/reports/conflicts?${period}`)).toEqual({
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-08T00:00:00.000Z',
      total: 3,
      byPolicy: [
        { policy: 'crm_wins', outcome: 'adopted', count: 2 },
        { policy: 'router_wins', outcome: 'reverted', count: 1 },
      ],
    });
  });
});

describe('GET /v1/reports/shadow', () => {
  it('gives the agreement rate and the leads where we differ, with both explanations', async () => {
    expect(await get(`/v1/reports/shadow?${period}`)).toEqual({
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-08T00:00:00.000Z',
      decided: 3,
      crmAssigned: 2,
      agreed: 1,
      agreementRate: 0.5,
      differences: [
        {
          leadId: shadowDiffer,
          recordId: 'S2',
          receivedAt: '2026-11-06T10:00:00.000Z',
          ours: { rep: 'bo', owner: '102', pool: 'trial', rule: null, reason: 'ASSIGNED', outcome: 'assigned' },
          crm: { owner: '101', rep: 'ana', by: 'user:9001', source: 'CRM_UI', at: '2026-11-06T10:01:00.000Z' },
        },
      ],
    });
    expect((await get(`/v1/reports/shadow?${period}&crm=salesforce`)).decided).toBe(0);
  });
});
