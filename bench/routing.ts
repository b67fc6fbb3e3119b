// npm run bench:routing [-- --leads N] [--workers W] [--concurrency C] [--batch B]
// Prints ONE JSON object:
//  - decisions_per_s: pure decide() on one core, 50 rules / 40 reps / 5 pools (bench/routing-decide.ts,
//    run as its own process so it has a core and a clean heap to itself);
//  - decisions_per_s_account_rule: the same with an account rule in front, each lead matched in an
//    in-memory account index first (the pipeline's account lookup included);
//  - e2e_leads_per_s: leads routed per second end to end on real Postgres + Redis by W (2) real
//    `lead-router worker` processes, from N (20,000) events stored beforehand through the intake;
//  - fairness_spread: max - min leads per rep of the round-robin pool `inbound` in that run.
// Also what explains the figure: transactions and leads per transaction (each routing
// transaction stamps one created_at on all its rows), and the p50/p99 gap between them.
import { envSchema } from '../src/config/index.js';
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { parseEnv } from '../src/config/index.js';
import type { InboundEvent } from '../src/connector.js';
import { ingestCrmEvents } from '../src/pipeline/index.js';
import { routeJobEventIds, type RouteJob } from '../src/pipeline/jobs.js';
import { openRuntime } from '../src/runtime.js';
import { percentile, root, startCli, freshDatabase } from './support.js';

const { values } = parseArgs({
  options: {
    leads: { type: 'string', default: '20000' },
    workers: { type: 'string', default: '2' },
    concurrency: { type: 'string' },
    batch: { type: 'string' },
  },
});
const total = Number(values.leads);
const countries = ['DE', 'US', 'GB', 'FR', 'AT', 'CA', 'CH', 'NL'];
const industries = ['software', 'banking', 'retail', 'insurance', 'health'];

async function decideBench(): Promise<Record<string, unknown>> {
  const child = spawn(`${root}node_modules/.bin/node`, ['--import', 'tsx', `${root}bench/routing-decide.ts`], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  if (code !== 0) throw new Error(`bench/routing-decide.ts exited with ${code}`);
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>;
}

function events(from: number, n: number): InboundEvent[] {
  return Array.from({ length: n }, (_, j) => {
    const i = from + j;
    const id = `bench-${i}`;
    const fields = {
      email: `lead${i}@company${i % 997}.com`,
      company: `Company ${i % 997}`,
      country: countries[i % countries.length],
      industry: industries[i % industries.length],
      employees: (i * 37) % 8000,
      score: (i * 13) % 100,
      language: i % 3 ? 'en' : 'de',
    };
    return {
      kind: 'created',
      sourceEventId: id,
      record: { crm: 'api', objectType: 'lead', id },
      occurredAt: new Date().toISOString(),
      fields,
    };
  });
}

async function e2eBench() {
  if (!process.env.DATABASE_URL || !process.env.REDIS_URL)
    throw new Error('set DATABASE_URL and REDIS_URL (`. .ci/services.sh`)');
  const db = await freshDatabase(process.env.DATABASE_URL, 'routing');
  const prefix = `lr-bench-routing-${Date.now()}`;
  const env: Record<string, string> = {
    DATABASE_URL: db.url,
    REDIS_URL: process.env.REDIS_URL,
    QUEUE_PREFIX: prefix,
    CONFIG_FILE: `${root}fixtures/routing/bench-e2e.yaml`,
    INTAKE_API_KEYS: 'bench-key-0123456789',
    WORKER_PORT: '0',
    // The sweeper would only re-offer what the queue already holds; keep it out of the figure.
    SWEEP_AFTER_MS: '600000',
    LOG_LEVEL: 'warn',
    // e.g. BENCH_NODE_OPTIONS=--cpu-prof to see where a worker spends its time.
    ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
    ...(values.concurrency ? { WORKER_CONCURRENCY: values.concurrency } : {}),
    ...(values.batch ? { ROUTE_BATCH_MAX: values.batch } : {}),
  };
  const sql = new pg.Client({ connectionString: db.url });
  const redis = new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: null });
  const workers: ReturnType<typeof startCli>[] = [];
  try {
    const migrate = startCli(['migrate'], env);
    if ((await migrate.exited) !== 0) throw new Error(`migrate failed:\n${migrate.output()}`);

    // Pre-store every event through the pipeline's intake (1,000 per statement) and wait until
    // each has its route job waiting in Redis, so the workers find a full queue.
    const intake = await openRuntime(parseEnv({ ...env, LOG_LEVEL: 'silent' }));
    for (let i = 0; i < total; i += 1000)
      await ingestCrmEvents(intake.deps, 'api:bench', events(i, Math.min(1000, total - i)));
    const route = new Queue('route', { connection: redis, prefix });
    const deadline = Date.now() + 120_000;
    // A route job carries the events of one intake statement (up to ROUTE_BATCH_MAX): count events.
    const waitingEvents = async () =>
      (await route.getWaiting(0, -1)).reduce((n, job) => n + routeJobEventIds(job.data as RouteJob).length, 0);
    while ((await waitingEvents()) < total) {
      if (Date.now() > deadline) throw new Error('route jobs were not all enqueued');
      await new Promise((r) => setTimeout(r, 100));
    }
    await intake.close();
    await sql.connect();

    const started = performance.now();
    for (let i = 0; i < Number(values.workers); i++) workers.push(startCli(['worker'], env));
    let firstAt: number | undefined;
    for (;;) {
      const n = Number((await sql.query<{ n: string }>('select count(*) n from assignments')).rows[0]!.n);
      if (n > 0 && firstAt === undefined) firstAt = performance.now();
      if (n >= total) break;
      if (performance.now() - started > 600_000) throw new Error(`only ${n} of ${total} routed after 10 minutes`);
      if (workers.some((w) => w.child.exitCode !== null))
        throw new Error(`a worker exited:\n${workers.map((w) => w.output()).join('\n')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const doneAt = performance.now();

    const perRep = (
      await sql.query<{ n: number }>(
        `select count(*)::int n from assignments where pool_id = 'inbound' and outcome = 'assigned' group by rep_id`,
      )
    ).rows.map((r) => r.n);
    const txns = (
      await sql.query<{ at: Date; n: number }>(
        `select created_at at, count(*)::int n from assignments group by created_at order by created_at`,
      )
    ).rows;
    const sizes = txns.map((t) => t.n).sort((a, b) => a - b);
    const gaps = txns
      .slice(1)
      .map((t, i) => t.at.getTime() - txns[i]!.at.getTime())
      .sort((a, b) => a - b);
    const outcomes = (
      await sql.query<{ outcome: string; n: number }>(
        `select outcome, count(*)::int n from assignments group by outcome`,
      )
    ).rows;
    const routedSeconds = (doneAt - firstAt!) / 1000;
    return {
      e2e_leads: total,
      e2e_workers: Number(values.workers),
      e2e_worker_concurrency: Number(values.concurrency ?? envSchema.shape.WORKER_CONCURRENCY.parse(undefined)),
      e2e_route_batch_max: Number(values.batch ?? envSchema.shape.ROUTE_BATCH_MAX.parse(undefined)),
      e2e_leads_per_s: Math.round(total / routedSeconds),
      e2e_seconds: Number(routedSeconds.toFixed(2)),
      e2e_seconds_incl_worker_start: Number(((doneAt - started) / 1000).toFixed(2)),
      e2e_outcomes: Object.fromEntries(outcomes.map((o) => [o.outcome, o.n])),
      fairness_spread: Math.max(...perRep) - Math.min(...perRep),
      fairness_pool_leads: perRep.reduce((a, b) => a + b, 0),
      fairness_reps: perRep.length,
      routing_transactions: txns.length,
      leads_per_transaction_avg: Number((total / txns.length).toFixed(1)),
      leads_per_transaction_p50: percentile(sizes, 50),
      leads_per_transaction_max: sizes[sizes.length - 1],
      transaction_gap_p50_ms: percentile(gaps, 50),
      transaction_gap_p99_ms: percentile(gaps, 99),
    };
  } finally {
    for (const w of workers) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
    await sql.end().catch(() => {});
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await db.drop();
  }
}

async function main() {
  const decide = await decideBench();
  const e2e = await e2eBench();
  console.log(
    JSON.stringify({
      bench: 'routing',
      decisions_per_s: decide.decisions_per_s,
      decisions_per_s_account_rule: decide.decisions_per_s_account_rule,
      decisions_per_cpu_s_account_rule: decide.decisions_per_cpu_s_account_rule,
      decide_config: { rules: decide.rules, reps: decide.reps, pools: decide.pools },
      decide_fairness_spread: decide.fairness_spread,
      ...e2e,
      node: process.version,
    }),
  );
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
