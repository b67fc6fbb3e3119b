// npm run bench:intake [-- --embedded] [--rate N] [--seconds S] [--workers N] [--no-baseline] [--tsx]
//   [--route-linger-ms N] [--route-job-window-ms N] (A/B of the batching windows)
// POST /v1/leads at a fixed rate (open loop, bench/open-loop.ts) against the real CLI processes, then measure from the
// database: every acked lead must reach "owner written" (lost = acked but never written back).
// Postgres mode: `serve` + 1 `worker` on DATABASE_URL/REDIS_URL (a fresh database per run).
// Embedded mode: one `serve` on PGlite with in-process jobs.
// Postgres mode runs the baseline handler first at the same rate (bench/intake-baseline-run.ts)
// and prints ack_p99_vs_baseline (target <= 1.5 with one worker, issue 19).
// The service runs compiled (dist/, as the Dockerfile runs it; the npm script builds first);
// --tsx runs src/ through tsx instead.
// CPU is counted per process: serve, the workers, this database's Postgres backends and its
// cluster's writers, the Redis at REDIS_URL (other databases and other Redis servers on the
// machine are not ours; on a shared machine, give the bench a Redis of its own).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import {
  backendApps,
  intakeToWritebackMs,
  openPglite,
  openPostgres,
  pipelineSettled,
  transactionsCommitted,
} from '../src/db/index.js';
import { baselineRun } from './intake-baseline-run.js';
import { ackFigures, openLoop } from './open-loop.js';
import {
  cpuMeter,
  freePort,
  percentile,
  postmasterPid,
  startCli,
  startCompiledCli,
  waitHealthy,
  freshDatabase,
} from './support.js';

const { values } = parseArgs({
  options: {
    embedded: { type: 'boolean', default: false },
    rate: { type: 'string' },
    seconds: { type: 'string', default: '15' },
    workers: { type: 'string', default: '1' },
    'route-linger-ms': { type: 'string' },
    'route-job-window-ms': { type: 'string' },
    'no-baseline': { type: 'boolean', default: false },
    tsx: { type: 'boolean', default: false },
  },
});
const embedded = values.embedded!;
const rate = Number(values.rate ?? (embedded ? 200 : 1000));
const seconds = Number(values.seconds);
const key = 'bench-key-0123456789';
const start = values.tsx ? startCli : startCompiledCli;

/** Every process of the pipeline, counted in cpu_ms_per_lead (not the load generator). */
const pipelineGroups = ['serve', 'worker', 'postgres_serve', 'postgres_worker', 'postgres_other', 'redis'] as const;

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** Commands the Redis server has processed since it started (INFO stats). */
async function redisCommands(url: string): Promise<number> {
  const r = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    const info = await r.info('stats');
    return Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? NaN);
  } finally {
    r.disconnect();
  }
}

async function main() {
  const baseline = embedded || values['no-baseline'] ? undefined : await baselineRun(rate, seconds);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'lr-bench-'));
  let env: Record<string, string> = {
    PORT: String(port),
    INTAKE_API_KEYS: key,
    WORKER_PORT: '0',
    SWEEP_AFTER_MS: '30000',
  };
  let databaseUrl: string | undefined;
  let databaseName = '';
  let dropDatabase = async () => {};
  if (values['route-linger-ms']) env.ROUTE_LINGER_MS = values['route-linger-ms'];
  if (values['route-job-window-ms']) env.ROUTE_JOB_WINDOW_MS = values['route-job-window-ms'];
  if (embedded) env = { ...env, DATA_DIR: dataDir };
  else {
    if (!process.env.DATABASE_URL || !process.env.REDIS_URL)
      throw new Error('set DATABASE_URL and REDIS_URL (`. .ci/services.sh`), or pass --embedded');
    const fresh = await freshDatabase(process.env.DATABASE_URL, 'intake');
    databaseUrl = fresh.url;
    databaseName = new URL(fresh.url).pathname.slice(1);
    dropDatabase = fresh.drop;
    env = {
      ...env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: process.env.REDIS_URL,
      QUEUE_PREFIX: `lr-bench-${Date.now()}`,
    };
    const migrate = start(['migrate'], env);
    if ((await migrate.exited) !== 0) throw new Error(`migrate failed:\n${migrate.output()}`);
  }
  // Each process names its Postgres connections, so their backends' CPU is told apart (serve's intake, the workers' routing).
  const named = (app: string) =>
    databaseUrl ? { ...env, DATABASE_URL: `${databaseUrl}?application_name=${app}` } : env;
  const procs = [start(['serve'], named('lr-bench-serve'))];
  if (!embedded)
    for (let i = 0; i < Number(values.workers); i++) procs.push(start(['worker'], named('lr-bench-worker')));
  await waitHealthy(`${base}/healthz`);

  const run = (seconds: number, r: number) =>
    openLoop({
      origin: base,
      path: '/v1/leads',
      rate: r,
      seconds,
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: (n) =>
        JSON.stringify({
          source: 'bench',
          idempotencyKey: `bench-${r}-${n}`,
          lead: { email: `lead${n}@acme.example`, country: 'DE', score: n % 100 },
        }),
    });
  await run(2, rate / 2); // warm-up: JIT, pools, prepared paths
  const withPostgres = async <T>(f: (db: Awaited<ReturnType<typeof openPostgres>>['db']) => Promise<T>) => {
    const h = await openPostgres(databaseUrl!, { poolSize: 1 });
    try {
      return await f(h.db);
    } finally {
      await h.close();
    }
  };
  const drained = async () => {
    const deadline = Date.now() + 60_000;
    while (!embedded && Number(values.workers) > 0 && Date.now() < deadline) {
      if (await withPostgres(pipelineSettled)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  await drained(); // the warm-up's leads are not in the measured CPU
  const [servePid, ...workerPids] = procs.map((p) => p.child.pid);
  const postmaster = databaseUrl ? await postmasterPid(databaseUrl) : undefined;
  const redisPort = embedded ? '' : new URL(process.env.REDIS_URL!).port || '6379';
  let backends = new Map<number, string>();
  const readBackends = async () => {
    if (databaseUrl) backends = await withPostgres(backendApps);
  };
  await readBackends();
  // Round trips that cost the servers most, counted: Postgres commits in our database, commands at our Redis.
  const counts = async () => ({
    commits: databaseUrl ? await withPostgres(transactionsCommitted) : 0,
    redis: embedded ? 0 : await redisCommands(process.env.REDIS_URL!),
  });
  const countsBefore = await counts();
  const cpu = cpuMeter({
    serve: (pid) => pid === servePid,
    worker: (pid) => workerPids.includes(pid),
    // Our database's backends: serve's, the workers', the rest (this bench's probes, autovacuum);
    // and our cluster's writers (they write our WAL and pages too).
    postgres_serve: (pid) => backends.get(pid) === 'lr-bench-serve',
    postgres_worker: (pid) => backends.get(pid) === 'lr-bench-worker',
    postgres_other: (_, cmd, ppid) =>
      cmd.startsWith('postgres') &&
      ((databaseName !== '' && cmd.includes(` ${databaseName} `)) ||
        (ppid === postmaster && /^postgres: (walwriter|checkpointer|background writer)/.test(cmd))),
    redis: (_, cmd) => cmd.startsWith('redis-server') && cmd.includes(`:${redisPort}`),
    load_generator: (pid) => pid === process.pid,
  });
  const result = await run(seconds, rate);
  await readBackends(); // connections opened during the run
  const cpuSeconds = cpu();

  // Let the pipeline drain (counting only), then read every lead's intake -> owner-written time.
  await drained();
  if (embedded) await new Promise((r) => setTimeout(r, 3000));
  // CPU per lead counts the whole pipeline's work for the run's leads: up to the last owner written.
  await readBackends();
  const cpuUntilDrained = cpu();
  await new Promise((r) => setTimeout(r, 1000)); // pg_stat_database is flushed within a second
  const countsAfter = await counts();
  for (const p of procs) p.child.kill('SIGTERM');
  await Promise.all(procs.map((p) => p.exited));
  let s = embedded ? undefined : await withPostgres(intakeToWritebackMs);
  if (embedded) {
    const h = await openPglite(dataDir);
    s = await intakeToWritebackMs(h.db);
    await h.close();
  }
  rmSync(dataDir, { recursive: true, force: true });
  await dropDatabase();
  const lat = [...s!.latenciesMs].sort((a, b) => a - b);
  const ack = ackFigures(result, percentile);
  const perLead = (cpuS: number) => Math.round((cpuS * 1000 * 1000) / Math.max(1, acked)) / 1000;
  const acked = Object.entries(result.byStatus).reduce(
    (sum, [code, count]) => sum + (code.startsWith('2') ? count : 0),
    0,
  );
  console.log(
    JSON.stringify({
      bench: 'intake',
      mode: embedded ? 'embedded (PGlite + in-process jobs)' : `postgres + redis (serve + ${values.workers} worker)`,
      target_rate_per_s: rate,
      seconds,
      acks_per_s: Math.round(acked / seconds),
      non_2xx: result.sent - result.errors - acked,
      errors: result.errors,
      ...ack,
      baseline_ack_p99_ms: baseline?.ack_p99_ms ?? null,
      ack_p99_vs_baseline: baseline ? Math.round((ack.ack_p99_ms / baseline.ack_p99_ms) * 100) / 100 : null,
      // CPU seconds per process during the measured run; the machine has 2 cores (2 x seconds).
      cpu_s: cpuSeconds,
      // Every process of the pipeline (serve, workers, our Postgres backends and its writers,
      // the Redis at REDIS_URL) per lead of the measured run, until its last owner was written.
      // That Redis is shared with anything else using it: on a quiet machine that is only us.
      cpu_ms_per_lead: perLead(pipelineGroups.reduce((a, g) => a + (cpuUntilDrained[g] ?? 0), 0)),
      // The same, per process group: where the ms per lead go.
      cpu_ms_per_lead_by_process: Object.fromEntries(pipelineGroups.map((g) => [g, perLead(cpuUntilDrained[g] ?? 0)])),
      // Per lead of the run, until drained: Postgres commits in our database (the bench's own probes
      // included, a few dozen) and commands at the Redis at REDIS_URL (every client of it counts).
      pg_commits_per_lead: embedded ? null : round3((countsAfter.commits - countsBefore.commits) / Math.max(1, acked)),
      redis_commands_per_lead: embedded ? null : round3((countsAfter.redis - countsBefore.redis) / Math.max(1, acked)),
      cpu_share_of_2_cores:
        Math.round((Object.values(cpuSeconds).reduce((a, b) => a + b, 0) / (2 * seconds)) * 100) / 100,
      e2e_p50_ms: percentile(lat, 50),
      e2e_p99_ms: percentile(lat, 99),
      stored_events: s!.acked,
      written_back: s!.done,
      // Without workers nothing is written back; lost is only meaningful when something routes.
      lost: embedded || Number(values.workers) > 0 ? s!.acked - s!.done : null,
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
