// npm run bench:scale [-- --workers 1,2,4 --leads 6000 --intake-rate 1500 --configs single,partitioned]
// How routing scales with workers on the routing lock (src/pipeline/routing-lock.ts,
// src/routing/lock-partitions.ts; docs/scaling.md), for two configs: `single`, one pool over every
// rep (one lock partition: every routing transaction serialises, as the lock always did), and
// `partitioned`, four regional pools of three reps each, a rule per country, leads spread evenly
// over the four countries (four partitions). Per config and worker count, on a fresh database: `serve`
// alone takes --leads POST /v1/leads (nothing routes yet: the route jobs wait in Redis), then N
// `worker` processes start and drain the backlog. Measured:
// - leads_per_s: routed (assignment rows) per second between 10% and 90% of the backlog, so
//   worker start-up is not in it;
// - per routing transaction, from every worker's /metrics: lock wait (BEGIN -> locks held) and
//   hold (locks held -> commit), p50/p99 (interpolated in the histogram's doubling buckets) and
//   mean, and leads per transaction;
// - lock_bound_leads_per_s: leads per transaction / mean hold, what one lock row allows;
// - per_partition: the same wait and hold figures and leads per transaction per lock partition label.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { intakeProgress, openPostgres, routedCount } from '../src/db/index.js';
import { openLoop } from './open-loop.js';
import { freePort, freshDatabase, startCli, waitHealthy } from './support.js';

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '1,2,4' },
    leads: { type: 'string', default: '6000' },
    'intake-rate': { type: 'string', default: '1500' },
    configs: { type: 'string', default: 'single,partitioned' },
  },
});
const key = 'bench-key-0123456789';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Buckets = Map<number, number>;
interface Histogram {
  buckets: Buckets;
  sum: number;
  count: number;
}

const emptyHistogram = (): Histogram => ({ buckets: new Map(), sum: 0, count: 0 });

/** One histogram from Prometheus text, merged into `into` over every label, and per `partition` label into `per`. */
function addHistogram(text: string, name: string, into: Histogram, per: Map<string, Histogram>): void {
  const at = (labels: string | undefined) => {
    const part = /partition="([^"]*)"/.exec(labels ?? '')?.[1] ?? 'none';
    if (!per.has(part)) per.set(part, emptyHistogram());
    return per.get(part)!;
  };
  for (const line of text.split('\n')) {
    const b = new RegExp(`^${name}_bucket\\{([^}]*)\\} (\\S+)`).exec(line);
    const total = new RegExp(`^${name}_(sum|count)(?:\\{([^}]*)\\})? (\\S+)`).exec(line);
    if (b) {
      const leText = /le="([^"]+)"/.exec(b[1]!)![1]!;
      const le = leText === '+Inf' ? Infinity : Number(leText);
      for (const h of [into, at(b[1])]) h.buckets.set(le, (h.buckets.get(le) ?? 0) + Number(b[2]));
    } else if (total) {
      for (const h of [into, at(total[2])]) h[total[1] as 'sum' | 'count'] += Number(total[3]);
    }
  }
}

const meanMs = (h: Histogram) => (h.count ? Math.round((h.sum / h.count) * 1000 * 100) / 100 : null);

/** The p-th percentile in ms, linear inside its (cumulative) bucket. */
function quantileMs(h: Histogram, p: number): number | null {
  if (h.count === 0) return null;
  const target = (p / 100) * h.count;
  let lower = 0;
  let below = 0;
  for (const [le, cumulative] of [...h.buckets].sort((a, b) => a[0] - b[0])) {
    if (cumulative >= target) {
      const upper = le === Infinity ? lower * 2 : le;
      const share = cumulative === below ? 1 : (target - below) / (cumulative - below);
      return Math.round((lower + (upper - lower) * share) * 1000 * 100) / 100;
    }
    lower = le;
    below = cumulative;
  }
  return null;
}

const countries = ['DE', 'US', 'JP', 'BR'];

/** The default config's mappings with `partitioned`'s routing: a pool of three reps per country. */
function partitionedConfig(): unknown {
  const base = parseYaml(readFileSync('fixtures/config/default.yaml', 'utf8')) as { mappings: unknown };
  const reps = countries.flatMap((c) =>
    [1, 2, 3].map((i) => ({ id: `${c.toLowerCase()}${i}`, crmIds: { hubspot: `${c}${i}` } })),
  );
  return {
    mappings: base.mappings,
    routing: {
      reps,
      pools: countries.map((c) => ({
        id: c.toLowerCase(),
        strategy: 'round_robin',
        members: [1, 2, 3].map((i) => `${c.toLowerCase()}${i}`),
      })),
      rules: countries.map((c) => ({
        id: c.toLowerCase(),
        when: { field: 'country', op: 'eq', value: c },
        action: { pool: c.toLowerCase() },
      })),
    },
  };
}

async function runWith(config: 'single' | 'partitioned', workers: number, leads: number, intakeRate: number) {
  const db = await freshDatabase(process.env.DATABASE_URL!, `scale${workers}`);
  const dir = mkdtempSync(join(tmpdir(), 'lr-bench-scale-'));
  const configFile = join(dir, 'config.json');
  if (config === 'partitioned') writeFileSync(configFile, JSON.stringify(partitionedConfig()));
  const port = await freePort();
  const env: Record<string, string> = {
    PORT: String(port),
    INTAKE_API_KEYS: key,
    DATABASE_URL: db.url,
    REDIS_URL: process.env.REDIS_URL!,
    QUEUE_PREFIX: `lr-bench-scale-${workers}-${Date.now()}`,
    WORKER_PORT: '0',
    SWEEP_AFTER_MS: '600000',
    ...(config === 'partitioned' && { CONFIG_FILE: configFile }),
  };
  const migrate = startCli(['migrate'], env);
  if ((await migrate.exited) !== 0) throw new Error(`migrate failed:\n${migrate.output()}`);
  const serve = startCli(['serve'], env);
  const procs = [serve];
  const handle = await openPostgres(db.url, { poolSize: 1 });
  try {
    await waitHealthy(`http://127.0.0.1:${port}/healthz`);
    await openLoop({
      origin: `http://127.0.0.1:${port}`,
      path: '/v1/leads',
      rate: intakeRate,
      seconds: leads / intakeRate,
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: (n) =>
        JSON.stringify({
          source: 'bench',
          idempotencyKey: `scale-${n}`,
          lead: { email: `lead${n}@acme.example`, country: countries[n % countries.length], score: n % 100 },
        }),
    });
    // What intake stored is the backlog (a request refused under load is not in it).
    const backlog = (await intakeProgress(handle.db)).acked;
    const ports = await Promise.all(Array.from({ length: workers }, () => freePort()));
    for (const p of ports) procs.push(startCli(['worker'], { ...env, WORKER_PORT: String(p) }));
    const samples: Array<{ t: number; n: number }> = [];
    const deadline = Date.now() + 300_000;
    for (;;) {
      const n = await routedCount(handle.db);
      samples.push({ t: performance.now(), n });
      if (n >= backlog || Date.now() > deadline) break;
      await sleep(100);
    }
    const at = (share: number) => samples.find((s) => s.n >= share * backlog) ?? samples[samples.length - 1]!;
    const [from, to] = [at(0.1), at(0.9)];
    const wait = emptyHistogram();
    const hold = emptyHistogram();
    const waitPer = new Map<string, Histogram>();
    const holdPer = new Map<string, Histogram>();
    const leadsPer = new Map<string, number>();
    for (const p of ports) {
      const text = await (await fetch(`http://127.0.0.1:${p}/metrics`)).text();
      addHistogram(text, 'routing_lock_wait_seconds', wait, waitPer);
      addHistogram(text, 'routing_lock_hold_seconds', hold, holdPer);
      for (const m of text.matchAll(/^routing_lock_leads_total\{partition="([^"]*)"\} (\S+)$/gm))
        leadsPer.set(m[1]!, (leadsPer.get(m[1]!) ?? 0) + Number(m[2]));
    }
    const routed = samples[samples.length - 1]!.n;
    const leadsPerTx = hold.count ? routed / hold.count : null;
    const holdMeanMs = hold.count ? (hold.sum / hold.count) * 1000 : null;
    return {
      config,
      workers,
      backlog,
      routed,
      leads_per_s: Math.round(((to.n - from.n) / (to.t - from.t)) * 1000),
      transactions: hold.count,
      leads_per_tx: leadsPerTx && Math.round(leadsPerTx * 10) / 10,
      lock_wait_p50_ms: quantileMs(wait, 50),
      lock_wait_p99_ms: quantileMs(wait, 99),
      lock_wait_mean_ms: meanMs(wait),
      lock_hold_p50_ms: quantileMs(hold, 50),
      lock_hold_p99_ms: quantileMs(hold, 99),
      lock_hold_mean_ms: holdMeanMs && Math.round(holdMeanMs * 100) / 100,
      lock_bound_leads_per_s: leadsPerTx && holdMeanMs ? Math.round((leadsPerTx / holdMeanMs) * 1000) : null,
      per_partition: Object.fromEntries(
        [...holdPer].map(([label, h]) => [
          label,
          {
            transactions: h.count,
            leads_per_tx: h.count ? Math.round(((leadsPer.get(label) ?? 0) / h.count) * 10) / 10 : null,
            lock_wait_p50_ms: quantileMs(waitPer.get(label) ?? emptyHistogram(), 50),
            lock_wait_mean_ms: meanMs(waitPer.get(label) ?? emptyHistogram()),
            lock_hold_p50_ms: quantileMs(h, 50),
            lock_hold_p99_ms: quantileMs(h, 99),
            lock_hold_mean_ms: meanMs(h),
          },
        ]),
      ),
    };
  } finally {
    await handle.close();
    for (const p of procs) p.child.kill('SIGTERM');
    await Promise.all(procs.map((p) => p.exited));
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  if (!process.env.DATABASE_URL || !process.env.REDIS_URL)
    throw new Error('set DATABASE_URL and REDIS_URL (`. .ci/services.sh`)');
  const runs = [];
  for (const config of values.configs!.split(',') as Array<'single' | 'partitioned'>)
    for (const n of values.workers!.split(',').map(Number))
      runs.push(await runWith(config, n, Number(values.leads), Number(values['intake-rate'])));
  console.log(
    JSON.stringify({
      bench: 'scale',
      mode: 'serve takes the backlog, then N workers drain it; postgres + redis on this machine',
      configs: {
        single: 'one round-robin pool over 3 reps: one lock partition (global)',
        partitioned: '4 round-robin pools of 3 reps, a rule per country, leads spread evenly: 4 lock partitions',
      },
      leads: Number(values.leads),
      runs,
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
