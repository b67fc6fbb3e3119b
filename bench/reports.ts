// npm run bench:reports [-- --leads 1000000] [--runs 15]
// Every report API over a year of history: a database of its own is seeded in Postgres
// (reports-seed.ts: one generate_series statement per table, then the speed rollup), then the real fastify app (the
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
import { rebuildReportDays } from '../src/db/report-rollup.js';
import { end, pools, reps, seedSql, start } from './reports-seed.js';
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
const viewerToken = 'bench-viewer-token-0123456789';

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
  const sql = new pg.Client({ connectionString: database.url });
  await sql.connect();
  const seedStart = performance.now();
  for (const q of seedSql(n)) await sql.query(q);
  // The rollup the writes keep, built as a database from before it gets it (report-rollup.ts).
  await rebuildReportDays(handle.db);
  // As autovacuum leaves tables a year old: visibility map set, statistics current.
  await sql.query('vacuum analyze');
  const seedSeconds = Math.round((performance.now() - seedStart) / 100) / 10;
  await sql.end();
  await handle.close();

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
