// Two-way ownership sync against real Postgres and Redis: owner changes fed through the pipeline
// as the HubSpot connector emits them (ownerChanged events), classified and applied by the worker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../src/connector.js';
import { ingestCrmEvents } from '../../src/pipeline/index.js';
import { createTestDatabase, sqlClient, type TestDatabase } from '../support/services.js';
import { cleanupQueue, testApiKey, testEnv } from '../support/system.js';
import { until } from '../support/until.js';
import {
  conflictRules,
  contactMapping,
  editorToken,
  fakeHubSpot,
  feedEvents,
  hubspotConfigEnv,
  ownerChanged,
  routeRecord,
  startSystem,
  viewerToken,
  writeConfigFile,
  type TestSystem,
} from './sync-helpers.js';

const config = {
  mappings: { 'hubspot/contact': contactMapping },
  routing: {
    reps: [
      { id: 'ana', crmIds: { hubspot: '101' } },
      { id: 'bo', crmIds: { hubspot: '102' } },
      { id: 'cy', crmIds: { hubspot: '103' } },
    ],
    pools: [{ id: 'inbound', strategy: 'round_robin', members: ['ana', 'bo', 'cy'] }],
    rules: conflictRules,
  },
};

let tdb: TestDatabase;
let node: TestSystem;
let sql: Awaited<ReturnType<typeof sqlClient>>;
const hubspot = fakeHubSpot();

beforeAll(async () => {
  tdb = await createTestDatabase();
  const env = testEnv(tdb.url, {
    CONFIG_FILE: writeConfigFile(config),
    HUBSPOT_CONFIG: hubspotConfigEnv,
    ADMIN_TOKENS: `viewer:${viewerToken},editor:${editorToken}`,
  });
  const { openDatabase } = await import('../../src/runtime.js');
  const db = await openDatabase(env);
  await db.migrate();
  await db.close();
  node = await startSystem(env, { connectors: { hubspot }, working: true });
  sql = await sqlClient(tdb.url);
}, 120_000);

afterAll(async () => {
  await node?.close();
  if (node) await cleanupQueue(node.rt.env);
  await sql?.end();
  await tdb?.drop();
});

const wait = { timeoutMs: 60_000 };

const feed = (...events: InboundEvent[]) => feedEvents({ deps: node.rt.deps, sql }, events);

/** Routes a new record and waits until its owner write is done; returns the lead. */
async function routed(recordId: string, fields: Record<string, unknown> = {}) {
  await routeRecord({ deps: node.rt.deps, sql }, recordId, fields);
  return lead(recordId);
}

async function lead(recordId: string) {
  const [l] = await sql.rows<{
    id: string;
    owner_rep_id: string;
    crm_owner_id: string;
    last_owner_change_at: Date | null;
  }>(`select id, owner_rep_id, crm_owner_id, last_owner_change_at from leads where record_id = $1`, [recordId]);
  return l!;
}

async function counters(...reps: string[]) {
  const rows = await sql.rows<{ key: string; value: string }>(
    `select key, value from routing_counters where key = any($1)`,
    [reps.map((r) => `rep:${r}:open`)],
  );
  return Object.fromEntries(reps.map((r) => [r, Number(rows.find((x) => x.key === `rep:${r}:open`)?.value ?? 0)]));
}

const otherOwner = (crmOwnerId: string) =>
  ({ '101': { crm: '102', rep: 'bo' }, '102': { crm: '103', rep: 'cy' }, '103': { crm: '101', rep: 'ana' } })[
    crmOwnerId
  ]!;
const secondsAfter = (s: number) => new Date(Date.now() + s * 1000);

describe('echo detection', () => {
  it('confirms our own write coming back by origin (HubSpot app id): no conflict, owner unchanged, CRM answer kept', async () => {
    const l = await routed('7001');
    await feed(ownerChanged('7001', l.crm_owner_id, { at: secondsAfter(1), by: 'app' }));
    const [w] = await sql.rows<{ id: string; confirmed_at: Date | null; crm_response: { ok: boolean } }>(
      `select id, confirmed_at, crm_response from outbox where lead_id = $1`,
      [l.id],
    );
    expect(w!.confirmed_at).not.toBeNull();
    expect(w!.crm_response).toMatchObject({ ok: true, writeId: w!.id });
    const changes = await sql.rows(
      `select classification, matched_by, matched_write_id from ownership_changes where lead_id = $1`,
      [l.id],
    );
    expect(changes).toEqual([{ classification: 'echo', matched_by: 'origin', matched_write_id: w!.id }]);
    expect(await sql.rows(`select 1 from conflicts where lead_id = $1`, [l.id])).toEqual([]);
    expect((await lead('7001')).owner_rep_id).toBe(l.owner_rep_id);
  });

  it('confirms an echo without an origin by value and time window', async () => {
    const l = await routed('7002');
    await feed(ownerChanged('7002', l.crm_owner_id, { at: secondsAfter(1), by: 'none' }));
    const changes = await sql.rows(`select classification, matched_by from ownership_changes where lead_id = $1`, [
      l.id,
    ]);
    expect(changes).toEqual([{ classification: 'echo', matched_by: 'value' }]);
    expect(await sql.rows(`select 1 from conflicts where lead_id = $1`, [l.id])).toEqual([]);
  });
});

describe('a person reassigns a lead', () => {
  it('crm_wins (default): adopts their owner, moves the open counters, logs the conflict, and a redelivery changes nothing', async () => {
    const l = await routed('7003');
    const theirs = otherOwner(l.crm_owner_id);
    const before = await counters(l.owner_rep_id, theirs.rep);
    const change = ownerChanged('7003', theirs.crm, { at: secondsAfter(2), by: 'user:4242' });
    await feed(change);
    const after = await lead('7003');
    expect(after).toMatchObject({ owner_rep_id: theirs.rep, crm_owner_id: theirs.crm });
    expect(await counters(l.owner_rep_id, theirs.rep)).toEqual({
      [l.owner_rep_id]: before[l.owner_rep_id]! - 1,
      [theirs.rep]: before[theirs.rep]! + 1,
    });
    const rows = await sql.rows(
      `select policy, policy_from, outcome, router_owner_id, crm_owner_id, changed_by, change_source from conflicts where lead_id = $1`,
      [l.id],
    );
    expect(rows).toEqual([
      {
        policy: 'crm_wins',
        policy_from: 'default',
        outcome: 'adopted',
        router_owner_id: l.crm_owner_id,
        crm_owner_id: theirs.crm,
        changed_by: 'user:4242',
        change_source: 'CRM_UI',
      },
    ]);
    // Nothing is written back under crm_wins.
    expect(await sql.rows(`select 1 from outbox where lead_id = $1`, [l.id])).toHaveLength(1);

    const { stored, duplicates } = await ingestCrmEvents(node.rt.deps, 'hubspot', [change]);
    expect({ stored, duplicates }).toEqual({ stored: 0, duplicates: 1 });
    expect(await counters(l.owner_rep_id, theirs.rep)).toEqual({
      [l.owner_rep_id]: before[l.owner_rep_id]! - 1,
      [theirs.rep]: before[theirs.rep]! + 1,
    });
    expect(await sql.rows(`select 1 from conflicts where lead_id = $1`, [l.id])).toHaveLength(1);
  });

  it('router_wins: writes our owner back at most maxReverts (2) times, then adopts theirs', async () => {
    const l = await routed('7004', { employeeCount: 5000 });
    const ours = l.crm_owner_id;
    const theirs = otherOwner(ours);
    await feed(ownerChanged('7004', theirs.crm, { at: secondsAfter(1) }));
    await until(
      async () => (await sql.rows(`select 1 from outbox where lead_id = $1 and status = 'done'`, [l.id])).length === 2,
      wait,
    );
    // The revert's own echo comes back: ours, never a conflict.
    await feed(ownerChanged('7004', ours, { at: secondsAfter(2), by: 'app' }));
    await feed(ownerChanged('7004', theirs.crm, { at: secondsAfter(3) }));
    await until(
      async () => (await sql.rows(`select 1 from outbox where lead_id = $1 and status = 'done'`, [l.id])).length === 3,
      wait,
    );
    await feed(ownerChanged('7004', theirs.crm, { at: secondsAfter(5) }));

    const rows = await sql.rows(
      `select policy, policy_from, outcome, attempt from conflicts where lead_id = $1 order by occurred_at`,
      [l.id],
    );
    expect(rows).toEqual([
      { policy: 'router_wins', policy_from: 'rule', outcome: 'reverted', attempt: 1 },
      { policy: 'router_wins', policy_from: 'rule', outcome: 'reverted', attempt: 2 },
      { policy: 'router_wins', policy_from: 'rule', outcome: 'gave_up_adopted', attempt: null },
    ]);
    const writes = await sql.rows(`select owner_id, status from outbox where lead_id = $1 order by created_at`, [l.id]);
    expect(writes).toEqual([ours, ours, ours].map((o) => ({ owner_id: o, status: 'done' })));
    expect(hubspot.writes.filter((w) => w.ref.id === '7004').map((w) => w.ownerId)).toEqual([ours, ours, ours]);
    // No reasonField in this config's mapping: the reverts, like the routing write, carry the owner alone.
    expect(hubspot.writes.filter((w) => w.ref.id === '7004').map((w) => w.extraFields)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(await lead('7004')).toMatchObject({ owner_rep_id: theirs.rep, crm_owner_id: theirs.crm });
  });

  it('records an out-of-order (older) change as stale and ignores it', async () => {
    const l = await routed('7005');
    const theirs = otherOwner(l.crm_owner_id);
    await feed(ownerChanged('7005', theirs.crm, { at: secondsAfter(10) }));
    const late = otherOwner(theirs.crm);
    await feed(ownerChanged('7005', late.crm, { at: secondsAfter(5) }));
    expect(await lead('7005')).toMatchObject({ owner_rep_id: theirs.rep, crm_owner_id: theirs.crm });
    const changes = await sql.rows(
      `select classification, new_owner_id from ownership_changes where lead_id = $1 order by occurred_at`,
      [l.id],
    );
    expect(changes).toEqual([
      { classification: 'stale', new_owner_id: late.crm },
      { classification: 'manual', new_owner_id: theirs.crm },
    ]);
    expect(await sql.rows(`select outcome from conflicts where lead_id = $1`, [l.id])).toEqual([
      { outcome: 'adopted' },
    ]);
  });

  it('records a change to a record it never routed, without a conflict', async () => {
    await feed(ownerChanged('7999', '101', { at: secondsAfter(1) }));
    expect(await sql.rows(`select classification, lead_id from ownership_changes where record_id = '7999'`)).toEqual([
      { classification: 'unknown_record', lead_id: null },
    ]);
  });
});

describe('GET /v1/conflicts and GET /v1/leads/:id/history', () => {
  const get = (url: string, token?: string) =>
    node.app.inject({ method: 'GET', url, headers: token ? { 'x-admin-token': token } : {} });

  it('lists conflicts newest first with filters and keyset paging', async () => {
    const all = (await get('/v1/conflicts?limit=200', viewerToken)).json();
    expect(all.nextCursor).toBeNull();
    expect(all.items.length).toBeGreaterThanOrEqual(5);
    const reverted = (await get('/v1/conflicts?outcome=reverted', viewerToken)).json();
    expect(reverted.items.map((c: { attempt: number }) => c.attempt).sort()).toEqual([1, 2]);
    expect(reverted.items[0]).toMatchObject({
      record: { crm: 'hubspot', objectType: 'contact', recordId: '7004' },
      policy: 'router_wins',
      policyFrom: 'rule',
      outcome: 'reverted',
    });
    expect(reverted.items[0].revertWriteId).toMatch(/^[0-9a-f-]{36}$/);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Array<{ id: string }>; nextCursor: string | null } = (
        await get(`/v1/conflicts?limit=2${cursor ? `&cursor=${cursor}` : ''}`, viewerToken)
      ).json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((c: { id: string }) => c.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.items.map((c: { id: string }) => c.id));

    const bad = await get('/v1/conflicts?limit=0&policy=nope', viewerToken);
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .errors.map((e: { path: string }) => e.path)
        .sort(),
    ).toEqual(['query.limit', 'query.policy']);
    expect((await get('/v1/conflicts?cursor=garbage', viewerToken)).json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'query.cursor' }],
    });
  });

  it('shows the full ownership timeline of a lead', async () => {
    const l = await lead('7004');
    const res = await get(`/v1/leads/${l.id}/history`, viewerToken);
    expect(res.statusCode).toBe(200);
    const h = res.json();
    expect(h).toMatchObject({
      leadId: l.id,
      record: { crm: 'hubspot', objectType: 'contact', recordId: '7004' },
      owner: { repId: l.owner_rep_id, crmOwnerId: l.crm_owner_id },
    });
    const types = h.entries.map((e: { type: string }) => e.type);
    for (const t of ['routed', 'written', 'changed_in_crm', 'reverted', 'confirmed', 'gave_up_adopted'])
      expect(types).toContain(t);
    expect(types.indexOf('routed')).toBeLessThan(types.indexOf('changed_in_crm'));
    expect(types.lastIndexOf('gave_up_adopted')).toBe(types.length - 1);
    expect(types.filter((t: string) => t === 'written')).toHaveLength(3);
    expect(h.entries.find((e: { type: string }) => e.type === 'routed')).toMatchObject({
      ruleId: 'enterprise',
      poolId: 'inbound',
      trigger: 'created',
    });
  });

  it('needs an admin token (401), a uuid (400), and an existing lead (404)', async () => {
    expect((await get('/v1/conflicts')).statusCode).toBe(401);
    expect((await get('/v1/conflicts', 'not-a-token-000000000')).json()).toMatchObject({ code: 'UNAUTHORIZED' });
    expect((await get('/v1/leads/not-a-uuid/history', viewerToken)).json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'params.id' }],
    });
    expect((await get('/v1/leads/00000000-0000-4000-8000-000000000000/history', viewerToken)).statusCode).toBe(404);
    expect((await get('/v1/conflicts', editorToken)).statusCode).toBe(200);
  });

  it('claims with the intake API key or an editor token, not a viewer token', async () => {
    const l = await lead('7001');
    const claim = (headers: Record<string, string>, body?: unknown) =>
      node.app.inject({
        method: 'POST',
        url: `/v1/leads/${l.id}/claim`,
        headers: body ? { ...headers, 'content-type': 'application/json' } : headers,
        ...(body ? { payload: JSON.stringify(body) } : {}),
      });
    expect((await claim({})).statusCode).toBe(401);
    const viewer = await claim({ 'x-admin-token': viewerToken });
    expect(viewer.statusCode).toBe(403);
    const byApi = await claim({ 'x-api-key': testApiKey }, { by: 'dialer' });
    expect(byApi.statusCode).toBe(200);
    expect(byApi.json()).toMatchObject({ leadId: l.id, claimedBy: 'api:dialer', timers: [] });
    const byEditor = await claim({ authorization: `Bearer ${editorToken}` });
    expect(byEditor.statusCode).toBe(200);
    expect(byEditor.json().claimedBy).toMatch(/^editor:/);
    expect((await claim({ 'x-api-key': testApiKey }, { by: '', extra: 1 })).statusCode).toBe(400);
  });
});
