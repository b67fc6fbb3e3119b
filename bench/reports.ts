// npm run bench:reports [-- --leads 1000000] [--runs 15]
// Every report API over a year of history: a database of its own is seeded in Postgres (one
// generate_series statement per table: leads, their events, assignments and lead_reports rows,
// SLA timers, conflicts, waiting leads, availability changes), then the real fastify app (the
// runtime and buildApp that `serve` uses, listening on 127.0.0.1) answers each report `runs`
// times over the whole year, fetched over HTTP. Prints one JSON object:
// { leads, seedSeconds, runs, reports: { <name>: { p50_ms, p99_ms } } }. The target is each
// report under 1 s p99. Figures taken on a loaded machine are noise; say so with them.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { parseEnv, Secret } from '../src/config/index.js';
import { buildApp } from '../src/http/index.js';
import { createLogger } from '../src/logger.js';
import { openDatabase, openRuntime } from '../src/runtime.js';
import { freshDatabase, percentile } from './support.js';

const { values } = parseArgs({
  options: {
    leads: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '15' },
    keep: { type: 'boolean', default: false },
  },
});
const n = Number(values.leads);
const runs = Number(values.runs);
const reps = Array.from({ length: 20 }, (_, i) => ({ id: `rep${i}`, crmIds: { hubspot: String(100 + i) } }));
const pools = Array.from({ length: 5 }, (_, p) => ({
  id: `pool${p}`,
  strategy: p === 0 ? 'weighted_round_robin' : 'round_robin',
  members: reps.slice(p * 4, p * 4 + 4).map((r) => r.id),
}));
const start = new Date('2025-12-01T00:00:00Z');
const end = new Date(start.getTime() + 365 * 86_400_000);
const viewerToken = 'bench-viewer-token-0123456789';

/** Each table from one series; ids derive from i (md5 as uuid), so the tables join without lookups. */
const seedSql = (n: number) => [
  `select setseed(0.42)`,
  `create temporary table seed as
     select i,
       md5('e' || i)::uuid as event_id, md5('l' || i)::uuid as lead_id, md5('a' || i)::uuid as assignment_id,
       timestamptz '${start.toISOString()}' + (i::float8 / ${n}) * interval '365 days' as received_at,
       (i % 5) as pool, (i % 20) as rep, random() as r1, random() as r2, random() as r3, random() as r4
     from generate_series(1, ${n}) as i`,
  `insert into inbound_events (id, source, source_event_id, kind, crm, object_type, record_id, payload, status, received_at, processed_at)
     select event_id, 'hubspot', 'c' || i, 'created', 'hubspot', 'contact', i::text, '{}', 'done', received_at, received_at from seed`,
  `insert into leads (id, crm, object_type, record_id, data, owner_rep_id, crm_owner_id, created_at, updated_at)
     select lead_id, 'hubspot', 'contact', i::text, jsonb_build_object('email', 'lead' || i || '@acme.example'),
       'rep' || (pool * 4 + rep % 4), (100 + pool * 4 + rep % 4)::text, received_at, received_at from seed`,
  // 95 % assigned, 4 % unassigned (three reasons), 1 % skipped as closed; 2 % decided in shadow mode.
  `create temporary table decided as
     select s.*,
       case when r1 < 0.95 then 'assigned' when r1 < 0.99 then 'unassigned' else 'skipped' end as outcome,
       case when r1 < 0.95 then 'ASSIGNED' when r1 < 0.97 then 'NO_RULE_MATCHED' when r1 < 0.98 then 'POOL_EXHAUSTED'
            when r1 < 0.99 then 'NO_REP_AVAILABLE' else 'SKIPPED_CLOSED' end as reason,
       case when r2 < 0.02 then 'shadow' else 'live' end as mode,
       received_at + (5 + r3 * 500) * interval '1 millisecond' as decided_at
     from seed s`,
  `insert into assignments (id, event_id, lead_id, outcome, rep_id, crm_owner_id, pool_id, rule_id, reason_code, decision, config_version, created_at)
     select assignment_id, event_id, lead_id, outcome,
       case when outcome = 'assigned' then 'rep' || (pool * 4 + rep % 4) end,
       case when outcome = 'assigned' then (100 + pool * 4 + rep % 4)::text end,
       'pool' || pool, 'rule' || pool, reason, '{}', 1, decided_at from decided`,
  `insert into lead_reports (lead_id, assignment_id, crm, source, pool_id, rule_id, outcome, reason_code, rep_id, crm_owner_id, mode,
       crm_created_at, received_at, decided_at, written_at, confirmed_at, crm_set_owner_id, crm_set_rep_id, crm_set_by, crm_set_source, crm_set_at)
     select lead_id, assignment_id, 'hubspot', case when i % 3 = 0 then 'webinar' else 'hubspot' end, 'pool' || pool, 'rule' || pool,
       outcome, reason,
       case when outcome = 'assigned' then 'rep' || (pool * 4 + rep % 4) end,
       case when outcome = 'assigned' then (100 + pool * 4 + rep % 4)::text end,
       mode,
       case when r4 < 0.8 then received_at - r4 * interval '10 seconds' end,
       received_at, decided_at, w, case when w is not null and r4 < 0.9 then w + (500 + r3 * 4500) * interval '1 millisecond' end,
       o, case when o is not null then 'rep' || ((pool * 4 + rep) % 20) end, case when o is not null then 'user:' || (i % 50) end,
       case when o is not null then 'CRM_UI' end, case when o is not null then decided_at + interval '2 minutes' end
     from (select d.*,
             case when outcome = 'assigned' and mode = 'live' then decided_at + (100 + r2 * 3000) * interval '1 millisecond' end as w,
             case when mode = 'shadow' and r3 < 0.7 then (100 + (pool * 4 + case when r4 < 0.6 then rep % 4 else (rep + 1) % 4 end))::text end as o
           from decided d) x`,
  // SLA timers on 10 % of the leads: most claimed, a fifth breached (half of them reassigned).
  `insert into sla_timers (lead_id, assignment_id, pool_id, rep_id, due_at, status, breach_action, next_rep_id, closed_at, created_at)
     select lead_id, assignment_id, 'pool' || pool, 'rep' || (pool * 4 + rep % 4), decided_at + interval '30 minutes',
       case when r3 < 0.2 then 'breached' else 'claimed' end,
       case when r3 < 0.1 then 'reassign' when r3 < 0.2 then 'escalate' end,
       case when r3 < 0.1 then 'rep' || (pool * 4 + (rep + 1) % 4) end,
       decided_at + case when r3 < 0.2 then interval '30 minutes' else interval '5 minutes' end, decided_at
     from decided where outcome = 'assigned' and mode = 'live' and i % 10 = 0`,
  // A person's reassignment on 2 % of the leads, each with its ownerChanged event.
  `insert into inbound_events (id, source, source_event_id, kind, crm, object_type, record_id, payload, status, received_at, processed_at)
     select md5('o' || i)::uuid, 'hubspot', 'o' || i, 'ownerChanged', 'hubspot', 'contact', i::text, '{}', 'done',
       decided_at + interval '1 hour', decided_at + interval '1 hour'
     from decided where outcome = 'assigned' and i % 50 = 7`,
  `insert into conflicts (event_id, lead_id, crm, object_type, record_id, router_owner_id, crm_owner_id, policy, policy_from, outcome, reason, occurred_at, created_at)
     select md5('o' || i)::uuid, lead_id, 'hubspot', 'contact', i::text, '100', '101',
       case when r3 < 0.7 then 'crm_wins' else 'router_wins' end, 'default',
       case when r3 < 0.7 then 'adopted' else 'reverted' end, 'seeded', decided_at + interval '1 hour', decided_at + interval '1 hour'
     from decided where outcome = 'assigned' and i % 50 = 7`,
  // 500 leads waiting for a full pool now.
  `insert into inbound_events (source, source_event_id, kind, crm, object_type, record_id, payload, status, waiting_pool_id, received_at)
     select 'hubspot', 'w' || i, 'created', 'hubspot', 'contact', 'w' || i, '{}', 'queued', 'pool' || (i % 5),
       timestamptz '${end.toISOString()}' - i * interval '1 minute' from generate_series(1, 500) as i`,
  // Each rep away a week twice over the year through the availability API.
  `insert into rep_availability_changes (rep_id, status, away_until, changed_by, changed_at)
     select 'rep' || r, 'away', timestamptz '${start.toISOString()}' + (k * 150 + r) * interval '1 day' + interval '7 days', 'bench',
       timestamptz '${start.toISOString()}' + (k * 150 + r) * interval '1 day'
     from generate_series(0, 19) as r, generate_series(0, 1) as k`,
  // As autovacuum leaves a table a year old: visibility map set, statistics current.
  `vacuum analyze`,
];

const period = `from=${start.toISOString()}&to=${end.toISOString()}`;
const reports: Record<string, string> = {
  speed_to_lead_day: `/v1/reports/speed-to-lead?${period}&bucket=day`,
  speed_to_lead_week_pool: `/v1/reports/speed-to-lead?${period}&bucket=week&pool=pool1`,
  distribution: `/v1/reports/distribution?${period}`,
  unassigned: `/v1/reports/unassigned?${period}`,
  waiting: `/v1/reports/waiting`,
  sla: `/v1/reports/sla?${period}`,
  conflicts: `/v1/reports/conflicts?${period}`,
  shadow: `/v1/reports/shadow?${period}`,
};

async function main() {
  if (!process.env.DATABASE_URL) throw new Error('set DATABASE_URL (and REDIS_URL or not: no jobs run here)');
  const database = await freshDatabase(process.env.DATABASE_URL, 'reports');
  const dir = mkdtempSync(join(tmpdir(), 'lr-bench-reports-'));
  const configFile = join(dir, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      mappings: { 'hubspot/contact': { fields: [{ from: 'email', to: 'email' }] } },
      routing: { reps, pools, rules: [{ id: 'all', when: { match: 'always' }, action: { pool: 'pool1' } }] },
    }),
  );
  const env = parseEnv({
    DATABASE_URL: database.url,
    CONFIG_FILE: configFile,
    INTAKE_API_KEYS: 'bench-intake-key-0123456789',
    ADMIN_TOKENS: `viewer:${viewerToken}`,
    LOG_LEVEL: 'silent',
    SHED_EVENT_LOOP_DELAY_MS: '0',
  });
  const logger = createLogger({ level: 'silent' });
  const handle = await openDatabase(env);
  await handle.migrate();
  await handle.close();
  const sql = new pg.Client({ connectionString: database.url });
  await sql.connect();
  const seedStart = performance.now();
  for (const q of seedSql(n)) await sql.query(q);
  const seedSeconds = Math.round((performance.now() - seedStart) / 100) / 10;
  await sql.end();

  const rt = await openRuntime(env, { logger });
  const app = buildApp({
    logger,
    metrics: rt.deps.metrics,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    checks: [],
    isShuttingDown: () => false,
    intake: { pipeline: rt.deps, env, apiKeys: [new Secret('bench-intake-key-0123456789')] },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const out: Record<string, { p50_ms: number; p99_ms: number }> = {};
  try {
    for (const [name, url] of Object.entries(reports)) {
      const times: number[] = [];
      for (let i = 0; i < runs + 1; i++) {
        const t0 = performance.now();
        const res = await fetch(base + url, { headers: { 'x-admin-token': viewerToken } });
        const body = await res.text();
        if (res.status !== 200) throw new Error(`${url}: ${res.status} ${body.slice(0, 300)}`);
        if (i > 0) times.push(performance.now() - t0); // the first is a warm-up (plans, caches)
      }
      times.sort((a, b) => a - b);
      out[name] = { p50_ms: percentile(times, 50), p99_ms: percentile(times, 99) };
    }
  } finally {
    await app.close();
    await rt.close();
    if (!values.keep) await database.drop();
  }
  console.log(JSON.stringify({ leads: n, seedSeconds, runs, reports: out }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
