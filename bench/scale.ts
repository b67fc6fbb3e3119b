// npm run bench:scale [-- --workers 1,2,4 --leads 6000 --intake-rate 1500]
// How routing scales with workers while every routing transaction serialises on its lock rows
// (src/pipeline/routing-lock.ts; docs/scaling.md). Per worker count, on a fresh database: `serve`
// alone takes --leads POST /v1/leads (nothing routes yet: the route jobs wait in Redis), then N
// `worker` processes start and drain the backlog. Measured:
// - leads_per_s: routed (assignment rows) per second between 10% and 90% of the backlog, so
//   worker start-up is not in it;
// - per routing transaction, from every worker's /metrics: lock wait (BEGIN -> locks held) and
//   hold (locks held -> commit), p50/p99 (interpolated in the histogram's doubling buckets) and
//   mean, and leads per transaction;
// - lock_bound_leads_per_s: leads per transaction / mean hold, what one lock row allows.
import { parseArgs } from 'node:util';
import { intakeProgress, openPostgres, routedCount } from '../src/db/index.js';
import { openLoop } from './open-loop.js';
import { freePort, freshDatabase, startCli, waitHealthy } from './support.js';

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '1,2,4' },
    leads: { type: 'string', default: '6000' },
    'intake-rate': { type: 'string', default: '1500' },
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

/** One histogram (no labels) from Prometheus text, merged into `into`. */
function addHistogram(text: string, name: string, into: Histogram): void {
  for (const line of text.split('\n')) {
    const b = new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\S+)`).exec(line);
    if (b) {
      const le = b[1] === '+Inf' ? Infinity : Number(b[1]);
      into.buckets.set(le, (into.buckets.get(le) ?? 0) + Number(b[2]));
    } else if (line.startsWith(`${name}_sum `)) into.sum += Number(line.split(' ')[1]);
    else if (line.startsWith(`${name}_count `)) into.count += Number(line.split(' ')[1]);
  }
}

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

async function runWith(workers: number, leads: number, intakeRate: number) {
  const db = await freshDatabase(process.env.DATABASE_URL!, `scale${workers}`);
  const port = await freePort();
  const env: Record<string, string> = {
    PORT: String(port),
    INTAKE_API_KEYS: key,
    DATABASE_URL: db.url,
    REDIS_URL: process.env.REDIS_URL!,
    QUEUE_PREFIX: `lr-bench-scale-${workers}-${Date.now()}`,
    WORKER_PORT: '0',
    SWEEP_AFTER_MS: '600000',
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
          lead: { email: `lead${n}@acme.example`, country: 'DE', score: n % 100 },
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
    const wait: Histogram = { buckets: new Map(), sum: 0, count: 0 };
    const hold: Histogram = { buckets: new Map(), sum: 0, count: 0 };
    for (const p of ports) {
      const text = await (await fetch(`http://127.0.0.1:${p}/metrics`)).text();
      addHistogram(text, 'routing_lock_wait_seconds', wait);
      addHistogram(text, 'routing_lock_hold_seconds', hold);
    }
    const routed = samples[samples.length - 1]!.n;
    const leadsPerTx = hold.count ? routed / hold.count : null;
    const holdMeanMs = hold.count ? (hold.sum / hold.count) * 1000 : null;
    return {
      workers,
      backlog,
      routed,
      leads_per_s: Math.round(((to.n - from.n) / (to.t - from.t)) * 1000),
      transactions: hold.count,
      leads_per_tx: leadsPerTx && Math.round(leadsPerTx * 10) / 10,
      lock_wait_p50_ms: quantileMs(wait, 50),
      lock_wait_p99_ms: quantileMs(wait, 99),
      lock_wait_mean_ms: wait.count ? Math.round((wait.sum / wait.count) * 1000 * 100) / 100 : null,
      lock_hold_p50_ms: quantileMs(hold, 50),
      lock_hold_p99_ms: quantileMs(hold, 99),
      lock_hold_mean_ms: holdMeanMs && Math.round(holdMeanMs * 100) / 100,
      lock_bound_leads_per_s: leadsPerTx && holdMeanMs ? Math.round((leadsPerTx / holdMeanMs) * 1000) : null,
    };
  } finally {
    await handle.close();
    for (const p of procs) p.child.kill('SIGTERM');
    await Promise.all(procs.map((p) => p.exited));
    await db.drop();
  }
}

async function main() {
  if (!process.env.DATABASE_URL || !process.env.REDIS_URL)
    throw new Error('set DATABASE_URL and REDIS_URL (`. .ci/services.sh`)');
  const runs = [];
  for (const n of values.workers!.split(',').map(Number))
    runs.push(await runWith(n, Number(values.leads), Number(values['intake-rate'])));
  console.log(
    JSON.stringify({
      bench: 'scale',
      mode: 'serve takes the backlog, then N workers drain it; postgres + redis on this machine',
      leads: Number(values.leads),
      runs,
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
