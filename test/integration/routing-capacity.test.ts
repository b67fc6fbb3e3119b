// When nobody can take a lead, against real Postgres and Redis: the overflow chain ends in a
// stored and counted `unassigned`, never a silent drop; a pool with queueWhenFull holds the lead
// (inbound_events.status 'queued') and the sweeper places it when capacity frees (a new day in
// the rep's zone), highest score first; past maxWaitMinutes the pool's overflow takes it.
// Time is a clock the runtime is given, so "tomorrow" needs no waiting.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ingestApiLead } from '../../src/pipeline/index.js';
import { openRuntime, type Runtime } from '../../src/runtime.js';
import { createTestDatabase, sqlClient, type TestDatabase } from '../support/services.js';
import { cleanupQueue, startSystem, testEnv } from '../support/system.js';
import { until } from '../support/until.js';

const hour = 3_600_000;
const routing = {
  reps: [
    { id: 'solo', crmIds: { hubspot: '1' }, capPerDay: 1 },
    { id: 'capped', crmIds: { hubspot: '2' }, maxOpen: 1 },
    { id: 'reserve', crmIds: { hubspot: '3' } },
    { id: 'off1', crmIds: { hubspot: '4' }, active: false },
    { id: 'off2', crmIds: { hubspot: '5' }, active: false },
  ],
  pools: [
    { id: 'daily', strategy: 'round_robin', members: ['solo'], queueWhenFull: { maxWaitMinutes: 2880 } },
    {
      id: 'ceiling',
      strategy: 'round_robin',
      members: ['capped'],
      queueWhenFull: { maxWaitMinutes: 60 },
      overflow: [{ rep: 'reserve' }],
    },
    { id: 'first', strategy: 'round_robin', members: ['off1'], overflow: [{ pool: 'second' }, { rep: 'off2' }] },
    { id: 'second', strategy: 'least_loaded', members: ['off2'] },
  ],
  rules: [
    { id: 'by-day', when: { field: 'leadSource', op: 'eq', value: 'day' }, action: { pool: 'daily' } },
    { id: 'by-open', when: { field: 'leadSource', op: 'eq', value: 'open' }, action: { pool: 'ceiling' } },
    { id: 'chain', when: { field: 'leadSource', op: 'eq', value: 'chain' }, action: { pool: 'first' } },
  ],
};
const mappings = {
  'api/lead': {
    fields: [
      { from: 'email', to: 'email' },
      { from: 'leadSource', to: 'leadSource' },
      { from: 'score', to: 'score' },
    ],
  },
};

let tdb: TestDatabase;
let dir: string;
let sql: Awaited<ReturnType<typeof sqlClient>>;
const runtimes: Runtime[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'lr-capacity-'));
  writeFileSync(join(dir, 'config.yaml'), JSON.stringify({ mappings, routing }));
  sql = await sqlClient(tdb.url);
});

afterAll(async () => {
  for (const rt of runtimes) {
    await rt.close().catch(() => {});
    await cleanupQueue(rt.env);
  }
  await sql?.end();
  await tdb?.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** A working runtime whose clock runs `offsetMs` ahead of the wall clock, on its own queue prefix. */
async function worker(offsetMs: number): Promise<Runtime> {
  const env = testEnv(tdb.url, {
    CONFIG_FILE: join(dir, 'config.yaml'),
    QUEUE_PREFIX: `lrtest-${randomBytes(4).toString('hex')}`,
    WORKER_CONCURRENCY: '1',
  });
  const rt = await openRuntime(env, { now: () => new Date(Date.now() + offsetMs) });
  runtimes.push(rt);
  void rt.startWorking();
  return rt;
}

const post = (rt: Runtime, key: string, leadSource: string, score?: number) =>
  ingestApiLead(rt.deps, {
    source: 'web',
    idempotencyKey: key,
    lead: { email: `${key}@acme.example`, leadSource, ...(score === undefined ? {} : { score }) },
  });

const eventRow = (key: string) =>
  sql
    .rows<{
      status: string;
      lead_score: number | null;
      outcome: string | null;
      rep_id: string | null;
      reason_code: string | null;
      pool_id: string | null;
      decision: { reasons: Array<{ code: string; repId?: string }> } | null;
    }>(
      `select e.status, e.lead_score, a.outcome, a.rep_id, a.reason_code, a.pool_id, a.decision
       from inbound_events e left join assignments a on a.event_id = e.id where e.source_event_id = $1`,
      [key],
    )
    .then((r) => r[0]);

async function settled(key: string, status: string) {
  return until(
    async () => {
      const row = await eventRow(key);
      return row?.status === status ? row : undefined;
    },
    { what: `${key} ${status}` },
  );
}

it(
  'holds leads a full pool cannot place, places them when capacity frees (highest score first), overflows them past the wait, and stores and counts an exhausted chain',
  { timeout: 60_000 },
  async () => {
    // Setup: migrate and publish the config once.
    const setup = await startSystem(testEnv(tdb.url, { CONFIG_FILE: join(dir, 'config.yaml') }), { migrate: true });
    await setup.close();

    // Today (kept clear of midnight UTC, so "today" is one day for every lead of this phase).
    const todayOffset = new Date().getUTCHours() >= 22 ? 3 * hour : 0;
    const today = await worker(todayOffset);
    await post(today, 'day-first', 'day');
    await post(today, 'open-first', 'open');
    expect(await settled('day-first', 'done')).toMatchObject({ outcome: 'assigned', rep_id: 'solo' });
    expect(await settled('open-first', 'done')).toMatchObject({ outcome: 'assigned', rep_id: 'capped' });

    // solo is at capPerDay, capped at maxOpen: the next leads wait in their pools, with no assignment row.
    await post(today, 'day-low', 'day', 10);
    await post(today, 'day-high', 'day', 90);
    await post(today, 'open-waits', 'open');
    for (const key of ['day-low', 'day-high', 'open-waits'])
      expect(await settled(key, 'queued')).toMatchObject({ outcome: null });
    expect((await eventRow('day-high'))!.lead_score).toBe(90);

    // Nobody anywhere in the chain: unassigned, with its reason stored and counted.
    await post(today, 'chain-1', 'chain');
    const chain = await settled('chain-1', 'done');
    expect(chain).toMatchObject({
      outcome: 'unassigned',
      rep_id: null,
      reason_code: 'POOL_EXHAUSTED',
      pool_id: 'first',
    });
    expect(chain.decision!.reasons.map((r) => r.code)).toEqual([
      'RULE_MATCHED',
      'REP_INACTIVE',
      'POOL_EMPTY_HANDED',
      'OVERFLOW',
      'REP_INACTIVE',
      'POOL_EMPTY_HANDED',
      'OVERFLOW',
      'REP_INACTIVE',
    ]);
    // The counter moves once the batch has handed its writes over, a moment after the commit the row shows.
    const exhausted =
      /leads_routed_total\{pool="first",rule="[^"]+",outcome="unassigned",reason="POOL_EXHAUSTED"\} 1\b/;
    const metrics = await until(
      async () => {
        const text = await today.deps.metrics.registry.metrics();
        return exhausted.test(text) ? text : undefined;
      },
      { what: 'chain-1 counted as POOL_EXHAUSTED' },
    );
    expect(metrics).toMatch(/leads_routed_total\{pool="[^"]+",rule="[^"]+",outcome="queued",reason="QUEUED"\} \d+/);
    const [lead] = await sql.rows(`select owner_rep_id from leads where record_id = 'chain-1'`);
    expect(lead).toEqual({ owner_rep_id: null });
    await today.close();

    // 25 hours later: a new day for solo, so the sweeper places the waiting lead with the higher
    // score and the other keeps waiting; the open ceiling has not moved, and open-waits has
    // waited past its pool's 60 minutes, so the pool's overflow rep gets it.
    await worker(todayOffset + 25 * hour);
    const high = await settled('day-high', 'done');
    expect(high).toMatchObject({ outcome: 'assigned', rep_id: 'solo', pool_id: 'daily' });
    const expired = await settled('open-waits', 'done');
    expect(expired).toMatchObject({ outcome: 'assigned', rep_id: 'reserve', reason_code: 'NAMED_REP' });
    expect(expired.decision!.reasons.map((r) => r.code)).toEqual(
      expect.arrayContaining(['REP_OPEN_CEILING', 'QUEUE_EXPIRED', 'OVERFLOW', 'NAMED_REP']),
    );
    // day-low was offered in the same sweep, after day-high (score order), and found solo full again.
    expect(await eventRow('day-low')).toMatchObject({ status: 'queued', outcome: null });
    const counts = await sql.rows(
      `select rep_id, count(*)::int n from assignments where outcome = 'assigned' group by rep_id order by rep_id`,
    );
    expect(counts).toEqual([
      { rep_id: 'capped', n: 1 },
      { rep_id: 'reserve', n: 1 },
      { rep_id: 'solo', n: 2 },
    ]);
  },
);
