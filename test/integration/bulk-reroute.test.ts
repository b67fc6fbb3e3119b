// Bulk reroute (docs/bulk.md): a rep leaves and their open leads go through the normal routing
// path once each, even with the process doing it SIGKILLed halfway; a dry run writes nothing;
// a cancel stops the job at its next chunk; a bad filter names its bad part.
import { afterAll, describe, expect, it } from 'vitest';
import { childEnv, spawnCli, type CliProcess } from '../support/cli.js';
import { testApiKey, useTestSystem } from '../support/system.js';
import { until } from '../support/until.js';
import { configAdmin, planReroute, runReroute, startReroute } from '../../src/pipeline/index.js';

const editorToken = 'editor-token-0123456789';
const sys = useTestSystem(() => ({ migrate: true, working: true, env: { ADMIN_TOKENS: `editor:${editorToken}` } }));
const children: CliProcess[] = [];
afterAll(() => {
  for (const c of children) c.child.kill('SIGKILL');
});

/** `n` open api leads owned by `rep`, counted in their open load as routing would have. */
async function seedLeads(prefix: string, n: number, rep: string, daysOld = 0) {
  await sys.sql.query(
    `insert into leads (crm, object_type, record_id, data, owner_rep_id, crm_owner_id, created_at)
     select 'api', 'lead', $1 || g, jsonb_build_object('source', jsonb_build_object('crm', 'api', 'objectType', 'lead', 'id', $1 || g),
       'email', $1 || g || '@acme.example', 'country', 'DE'), $2, $2, now() - make_interval(days => $4::int)
     from generate_series(1, $3::int) g`,
    [prefix, rep, n, daysOld],
  );
  await sys.sql.query(
    `insert into routing_counters (key, value) values ($1, $2)
     on conflict (key) do update set value = routing_counters.value + excluded.value`,
    [`rep:${rep}:open`, n],
  );
}

const counter = async (key: string) =>
  Number(
    (await sys.sql.rows<{ value: string }>(`select value from routing_counters where key = $1`, [key]))[0]?.value ?? 0,
  );

function cliEnv() {
  const env = sys.rt.env;
  return childEnv({
    DATABASE_URL: env.DATABASE_URL!,
    REDIS_URL: env.REDIS_URL!,
    QUEUE_PREFIX: env.QUEUE_PREFIX,
    INTAKE_API_KEYS: testApiKey,
    LOG_LEVEL: 'info',
  });
}

/** Every table's rows, as one digest per table: a dry run must leave each one as it was. */
async function tableDigests(): Promise<Record<string, string>> {
  const tables = await sys.sql.rows<{ t: string }>(
    `select table_name as t from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
  );
  const out: Record<string, string> = {};
  for (const { t } of tables)
    out[t] = (
      await sys.sql.rows<{ d: string }>(
        `select count(*) || ':' || coalesce(md5(string_agg(x::text, '|' order by x::text)), '') as d from "${t}" x`,
      )
    )[0]!.d;
  return out;
}

describe('reroute --from-rep', () => {
  it('moves each of 10,000 leads exactly once when the process is killed halfway and resumed', async () => {
    await seedLeads('kill-', 10_000, 'ana');
    const first = spawnCli(['reroute', '--from-rep', 'ana', '--chunk', '250'], cliEnv());
    children.push(first);
    const moved = async () =>
      Number((await sys.sql.rows<{ n: string }>(`select count(*) n from bulk_job_items where status = 'moved'`))[0]!.n);
    await until(async () => (await moved()) >= 4000, { timeoutMs: 120_000, what: 'half of the leads moved' });
    first.child.kill('SIGKILL');
    await first.exited;
    const [job] = await sys.sql.rows<{ id: string; status: string }>(`select id, status from bulk_jobs`);
    expect(job!.status).toBe('running'); // its process died: nobody finished it
    expect(await moved()).toBeLessThan(10_000);

    const second = spawnCli(['reroute', '--resume', job!.id], cliEnv());
    children.push(second);
    expect(await second.exited, second.output()).toBe(0);
    expect(second.output()).toContain(
      `reroute ${job!.id} done: total 10000, moved 10000, kept 0, unplaced 0, skipped 0`,
    );

    // One assignment, one outbox row and one bulk event per lead; none left with the rep who left.
    expect(
      await sys.sql.rows(`select lead_id, count(*)::int n from assignments group by lead_id having count(*) <> 1`),
    ).toEqual([]);
    expect(
      await sys.sql.rows(
        `select (select count(*)::int from assignments) a, (select count(*)::int from outbox) o,
                (select count(*)::int from inbound_events where source = 'bulk' and status = 'done') e,
                (select count(*)::int from bulk_job_items where status <> 'moved') left_over`,
      ),
    ).toEqual([{ a: 10_000, o: 10_000, e: 10_000, left_over: 0 }]);
    expect(await sys.sql.rows(`select owner_rep_id, count(*)::int n from leads group by 1 order by 1`)).toEqual([
      { owner_rep_id: 'bo', n: 5000 },
      { owner_rep_id: 'cy', n: 5000 },
    ]);
    // Counters as one worker would leave them: ana gave back every open lead, bo and cy took half each.
    expect([await counter('rep:ana:open'), await counter('rep:bo:open'), await counter('rep:cy:open')]).toEqual([
      0, 5000, 5000,
    ]);
    // Owners go back through the write-back like any assignment.
    await until(
      async () =>
        (await sys.sql.rows<{ n: number }>(`select count(*)::int n from outbox where status = 'done'`))[0]!.n ===
        10_000,
      { timeoutMs: 120_000, what: 'every owner written back' },
    );
    const job2 = await sys.app.inject({
      url: `/v1/admin/bulk-jobs/${job!.id}`,
      headers: { 'x-admin-token': editorToken },
    });
    expect(job2.json()).toMatchObject({
      kind: 'reroute',
      status: 'done',
      counts: { total: 10_000, moved: 10_000 },
      params: { fromRep: 'ana', where: 'owner=ana', config: 'active v1' },
    });
  }, 300_000);
});

describe('reroute --dry-run', () => {
  it('prints who -> whom and counts per rep, and writes nothing to any table', async () => {
    // The leads of this test only: older than the other tests' (their filters take none of these).
    await seedLeads('dry-', 30, 'cy', 30);
    const before = await tableDigests();
    const cli = spawnCli(['reroute', '--where', 'owner=cy and crm=api and age>29d and age<31d', '--dry-run'], cliEnv());
    children.push(cli);
    expect(await cli.exited, cli.output()).toBe(0);
    // cy is still in the round robin: a third stays with them, as one worker routing 30 leads would do.
    expect(cli.output()).toContain(
      '30 leads: 20 move, 10 stay with their owner, 0 nobody can take, 0 skipped (closed)',
    );
    expect(cli.output()).toMatch(/cy -> ana: 10\n\s+cy -> bo: 10/);
    expect(cli.output()).toContain('cy: -20 / +0 / -20');
    expect(cli.output()).toContain('dry run: nothing was written');
    expect(await tableDigests()).toEqual(before);
  });
});

describe('reroute --config draft', () => {
  it('decides with a draft, over leads picked by pool and rule too, and writes nothing in a dry run', async () => {
    await seedLeads('draft-', 4, 'cy', 90);
    const active = await sys.sql.rows<{ document: { routing: { pools: unknown[] } } }>(
      `select document from config_versions where version = 1`,
    );
    const document = structuredClone(active[0]!.document);
    document.routing.pools = [{ id: 'inbound', strategy: 'round_robin', members: ['bo'] }];
    const draft = await configAdmin.createDraft(sys.rt.deps, { name: 'bo takes all', document, author: 'test' });
    const before = await tableDigests();
    // Seeded leads have no routing decision: no pool, no rule.
    const plan = await planReroute(sys.rt.deps, {
      where: 'owner=cy and age>89d and pool=none and rule!=everyone',
      config: `draft:${draft.id}`,
    });
    expect(plan).toMatchObject({
      config: `draft ${draft.id} (on v1)`,
      where: 'owner=cy and age>89d and pool=none and rule!=everyone',
      summary: { total: 4, moved: 4, flows: [{ from: 'cy', to: 'bo', leads: 4 }] },
    });
    const none = await planReroute(sys.rt.deps, { where: 'owner=cy and age>89d and pool=inbound' });
    expect(none.summary.total).toBe(0);
    expect(await tableDigests()).toEqual(before);
  });
});

describe('cancel', () => {
  it('stops a running reroute at its next chunk; what moved stays, the rest stays pending', async () => {
    await seedLeads('cancel-', 300, 'bo', 60);
    const { job } = await startReroute(sys.rt.deps, { fromRep: 'bo', where: 'age>59d' }, 'test');
    const done = await runReroute(sys.rt.deps, job.id, {
      chunkSize: 100,
      onProgress: async () => {
        const res = await sys.app.inject({
          method: 'POST',
          url: `/v1/admin/bulk-jobs/${job.id}/cancel`,
          headers: { 'x-admin-token': editorToken },
          payload: {},
        });
        expect(res.statusCode).toBe(200);
      },
    });
    expect(done.status).toBe('cancelled');
    expect(done.counts).toMatchObject({ total: 300, moved: 100 });
    expect(
      await sys.sql.rows(`select status, count(*)::int n from bulk_job_items where job_id = $1 group by 1 order by 1`, [
        job.id,
      ]),
    ).toEqual([
      { status: 'moved', n: 100 },
      { status: 'pending', n: 200 },
    ]);
    const again = await sys.app.inject({
      method: 'POST',
      url: `/v1/admin/bulk-jobs/${job.id}/cancel`,
      headers: { 'x-admin-token': editorToken },
      payload: {},
    });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toEqual({
      code: 'CONFLICT',
      message: `bulk job ${job.id} is cancelled; only a running job can be cancelled`,
    });
  });
});

describe('the filter', () => {
  it('names the bad part of a filter, its column, and the grammar; nothing is written', async () => {
    const before = await tableDigests();
    await expect(planReroute(sys.rt.deps, { where: 'owner=ana and agee>7d' })).rejects.toMatchObject({
      code: 'BULK_FILTER_INVALID',
      message:
        'where: "agee>7d" at column 15: unknown field "agee" (fields: owner, pool, rule, crm, age; operators: = != (lists: a,b) and < <= > >= (age, e.g. age>7d))',
    });
    await expect(startReroute(sys.rt.deps, { where: 'age=7d' }, 'test')).rejects.toMatchObject({
      code: 'BULK_FILTER_INVALID',
    });
    expect(await tableDigests()).toEqual(before);
  });
});
