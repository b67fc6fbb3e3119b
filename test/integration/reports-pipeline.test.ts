// The pipeline fills lead_reports as a lead goes its way (decided, owner written, echo confirmed),
// and shadow mode: switched on by a publish, a lead is decided and recorded but nothing reaches
// the CRM; the owner the CRM's own process sets is recorded beside ours, never as a conflict;
// switched back to live by another publish, the next lead is written.
import { describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../src/connector.js';
import { rebuildReportDays } from '../../src/db/report-rollup.js';
import { useTestSystem } from '../support/system.js';
import { until } from '../support/until.js';
import {
  created,
  feedEvents,
  editorToken,
  fakeHubSpot,
  hubspotConfigEnv,
  ownerChanged,
  viewerToken,
  writeConfigFile,
} from './sync-helpers.js';

const live = {
  mappings: {
    'hubspot/contact': {
      fields: [
        { from: 'email', to: 'email' },
        { from: 'country', to: 'country' },
        { from: 'createdate', to: 'createdAt' },
      ],
    },
  },
  routing: {
    reps: [
      { id: 'ana', crmIds: { hubspot: '101' } },
      { id: 'bo', crmIds: { hubspot: '102' } },
    ],
    pools: [{ id: 'inbound', strategy: 'round_robin', members: ['ana', 'bo'] }],
    rules: [{ id: 'everyone', when: { match: 'always' }, action: { pool: 'inbound' } }],
  },
};
const shadow = { ...live, connectors: { hubspot: { mode: 'shadow' } } };

const hubspot = fakeHubSpot();
// A publish checks the mapping against the CRM's schema: these are the fields it reads.
hubspot.describeFields = async () =>
  ['email', 'country', 'createdate'].map((name) => ({ name, type: name === 'createdate' ? 'datetime' : 'string' }));
const sys = useTestSystem(() => ({
  migrate: true,
  working: true,
  connectors: { hubspot },
  env: {
    CONFIG_FILE: writeConfigFile(live),
    HUBSPOT_CONFIG: hubspotConfigEnv,
    ADMIN_TOKENS: `viewer:${viewerToken},editor:${editorToken}`,
  },
}));

const wait = { timeoutMs: 60_000 };

const feed = (...events: InboundEvent[]) => feedEvents({ deps: sys.rt.deps, sql: sys.sql }, events);

async function report(recordId: string) {
  const [r] = await sys.sql.rows<Record<string, unknown>>(
    `select r.* from lead_reports r join leads l on l.id = r.lead_id where l.record_id = $1`,
    [recordId],
  );
  return r;
}

async function publish(document: unknown, message: string) {
  const res = await sys.app.inject({
    method: 'POST',
    url: '/v1/admin/config/publish',
    headers: { 'x-admin-token': editorToken },
    payload: { document, message },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const viewer = { 'x-admin-token': viewerToken };

const rollup = () =>
  sys.sql.rows<{ pool_id: string; source: string; stage: string; n: number; hist: Record<string, number> }>(
    `select day::text, crm, pool_id, source, stage, n, hist from lead_report_days order by 1, 2, 3, 4, 5`,
  );

/** The rollup the writes kept is the one lead_reports rebuilds: each lead's measures counted once. */
async function expectRollupCurrent() {
  const kept = await rollup();
  await rebuildReportDays(sys.rt.deps.db);
  expect(kept).toEqual(await rollup());
  return kept;
}

describe('lead_reports, filled by the pipeline', () => {
  it('keeps each step of a live lead: created, received, decided, written, confirmed', async () => {
    const createdAt = new Date(Date.now() - 60_000);
    await feed(created('live-1', { createdate: createdAt.toISOString() }));
    await until(async () => (await report('live-1'))?.written_at, { ...wait, what: 'owner written' });
    const r = (await report('live-1'))!;
    expect(r).toMatchObject({
      mode: 'live',
      outcome: 'assigned',
      pool_id: 'inbound',
      rep_id: 'ana',
      crm_owner_id: '101',
    });
    expect((r.crm_created_at as Date).toISOString()).toBe(createdAt.toISOString());
    expect(r.confirmed_at).toBeNull();
    // Our own echo confirms the write.
    await feed(ownerChanged('live-1', '101', { at: new Date(), by: 'app' }));
    expect((await report('live-1'))!.confirmed_at).not.toBeNull();

    const body = (await sys.app.inject({ url: '/v1/reports/speed-to-lead', headers: viewer })).json();
    expect(body.overall.count).toBe(1);
    expect(body.overall.p50_ms).toBeGreaterThanOrEqual(60_000);
    expect(body.stages.written_to_confirmed.count).toBe(1);
    const kept = await expectRollupCurrent();
    // Counted under its pool and source, and under all of each ('*').
    expect(new Set(kept.map((r) => `${r.pool_id}/${r.source}`))).toEqual(
      new Set(['inbound/hubspot', '*/hubspot', 'inbound/*', '*/*']),
    );
    expect(kept.filter((r) => r.pool_id === '*' && r.source === '*').map((r) => [r.stage, r.n])).toEqual([
      ['created_to_received', 1],
      ['decided_to_written', 1],
      ['received_to_decided', 1],
      ['total', 1],
      ['written_to_confirmed', 1],
    ]);
    const metrics = (await sys.app.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(
      /speed_to_lead_stage_seconds_count\{crm="hubspot",pool="inbound",stage="decided_to_written"\} 1/,
    );
    // The echo step, with the same labels, once the echo is recorded after the write.
    expect(metrics).toMatch(
      /speed_to_lead_stage_seconds_count\{crm="hubspot",pool="inbound",stage="written_to_confirmed"\} 1/,
    );
  });
});

describe('shadow mode', () => {
  it('decides and records but writes nothing, and keeps the CRM owner beside ours', async () => {
    const published = await publish(shadow, 'hubspot in shadow mode');
    expect(published.diff.changes).toEqual([{ op: 'add', path: 'connectors', after: { hubspot: { mode: 'shadow' } } }]);
    const writesBefore = hubspot.writes.length;
    await feed(created('shadow-1', {}), created('shadow-2', {}));
    // Decided as usual (rotation goes on: bo, then ana), recorded in shadow mode...
    expect(await report('shadow-1')).toMatchObject({
      mode: 'shadow',
      outcome: 'assigned',
      rep_id: 'bo',
      crm_owner_id: '102',
    });
    expect(await report('shadow-2')).toMatchObject({
      mode: 'shadow',
      outcome: 'assigned',
      rep_id: 'ana',
      crm_owner_id: '101',
    });
    // ...but nothing for a worker to send, and the CRM received nothing.
    expect(await sys.sql.rows(`select 1 from outbox where record_id in ('shadow-1', 'shadow-2')`)).toEqual([]);
    expect(hubspot.writes.length).toBe(writesBefore);
    expect(await sys.sql.rows(`select owner_rep_id, crm_owner_id from leads where record_id = 'shadow-1'`)).toEqual([
      { owner_rep_id: null, crm_owner_id: null },
    ]);

    // The CRM's own process sets owners: a workflow agrees on shadow-2, a person picks ana for shadow-1.
    await feed(
      ownerChanged('shadow-1', '101', { at: new Date(), by: 'user:9001' }),
      ownerChanged('shadow-2', '101', { at: new Date(), by: 'user:42' }),
    );
    expect(
      await sys.sql.rows(
        `select record_id, classification, new_owner_id from ownership_changes where record_id like 'shadow-%' order by record_id`,
      ),
    ).toEqual([
      { record_id: 'shadow-1', classification: 'shadow', new_owner_id: '101' },
      { record_id: 'shadow-2', classification: 'shadow', new_owner_id: '101' },
    ]);
    // Not a conflict, no revert, no write.
    expect(await sys.sql.rows(`select 1 from conflicts where record_id like 'shadow-%'`)).toEqual([]);
    expect(await sys.sql.rows(`select 1 from outbox where record_id like 'shadow-%'`)).toEqual([]);
    expect(hubspot.writes.length).toBe(writesBefore);
    expect(await sys.sql.rows(`select owner_rep_id, crm_owner_id from leads where record_id = 'shadow-1'`)).toEqual([
      { owner_rep_id: 'ana', crm_owner_id: '101' },
    ]);

    const body = (await sys.app.inject({ url: '/v1/reports/shadow?crm=hubspot', headers: viewer })).json();
    expect(body).toMatchObject({ decided: 2, crmAssigned: 2, agreed: 1, agreementRate: 0.5 });
    expect(body.differences).toEqual([
      expect.objectContaining({
        recordId: 'shadow-1',
        ours: expect.objectContaining({ rep: 'bo', owner: '102', reason: expect.any(String) }),
        crm: expect.objectContaining({ owner: '101', rep: 'ana', by: 'user:9001', source: 'CRM_UI' }),
      }),
    ]);

    // Switching to live is a publish (audited), and the next lead is written again.
    await publish(live, 'hubspot live');
    const [activation] = await sys.sql.rows<{ kind: string; message: string }>(
      `select kind, message from config_activations order by at desc limit 1`,
    );
    expect(activation).toEqual({ kind: 'publish', message: 'hubspot live' });
    await feed(created('live-2', {}));
    await until(() => hubspot.writes.find((w) => w.ref.id === 'live-2'), { ...wait, what: 'live-2 written' });
    expect((await report('live-2'))!.mode).toBe('live');
    await until(async () => (await report('live-2'))?.written_at, { ...wait, what: 'live-2 written_at' });
    await expectRollupCurrent();
  });
});
