// npm run bench:growth [-- --historical N] [--rate N] [--seconds S] [--pairs P]   (10,000,000 historical leads
// by default; HISTORICAL_LEADS in the env also sets it; 3 pairs)
// Does history slow the hot path? The same intake + route run as bench:intake (POST /v1/leads at a
// fixed rate, open loop, against `serve` + 1 `worker` on DATABASE_URL/REDIS_URL) on empty tables and
// beside HISTORICAL_LEADS leads of history, each with its event, assignment and written owner
// (src/db/history-seed.ts, generate_series), each side in a database of its own. The runs alternate,
// empty, history, empty, history, ..., P pairs, and before each one the databases are checkpointed and
// analysed and the disks left to go idle (the seed leaves gigabytes in the page cache that the kernel
// would otherwise write during the first runs). Prints one JSON object: every run's ack and
// intake -> owner-written p50/p99, each pair's ratios, and the headline ratios (target <= 1.2) of the
// median p99 with history to the median p99 on empty tables, the worst pair's beside them; the seeded
// tables' sizes and how long each phase of the seed took. The seed drops the tables' keys and
// indexes, loads server-side on two connections and rebuilds them (src/db/history-seed.ts): 1,000,000
// leads seed in a few minutes on a loaded machine; 10,000,000 is meant for a quiet one.
import { parseArgs } from 'node:util';
import {
  intakeProgress,
  intakeToWritebackMs,
  openPostgres,
  seedHistory,
  settleHistory,
  tableSizes,
} from '../src/db/index.js';
import { ackFigures, openLoop } from './open-loop.js';
import { disksQuiet, freePort, freshDatabase, percentile, startCli, waitHealthy } from './support.js';

const { values } = parseArgs({
  options: {
    historical: { type: 'string', default: process.env.HISTORICAL_LEADS ?? '10000000' },
    rate: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '15' },
    pairs: { type: 'string', default: '3' },
  },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const historical = Number(values.historical);
const pairs = Math.max(1, Number(values.pairs));
const key = 'bench-key-0123456789';
const tables = ['inbound_events', 'leads', 'assignments', 'outbox'];

async function withDb<T>(
  url: string,
  f: (db: Awaited<ReturnType<typeof openPostgres>>['db']) => Promise<T>,
  poolSize = 1,
) {
  const h = await openPostgres(url, { poolSize });
  try {
    return await f(h.db);
  } finally {
    await h.close();
  }
}

/** One intake + route run against this database (migrated; seeded or not): the ack and e2e figures. */
async function run(databaseUrl: string, runTag: string) {
  // The runs reuse their databases: a source of its own per run, so its figures count only its leads.
  const source = `api:bench-${runTag}`;
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = {
    PORT: String(port),
    INTAKE_API_KEYS: key,
    WORKER_PORT: '0',
    SWEEP_AFTER_MS: '30000',
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL!,
    QUEUE_PREFIX: `lr-growth-${Date.now()}`,
  };
  const procs = [startCli(['serve'], env), startCli(['worker'], env)];
  try {
    await waitHealthy(`${base}/healthz`);
    const loop = (secs: number, r: number, tag: string) =>
      openLoop({
        origin: base,
        path: '/v1/leads',
        rate: r,
        seconds: secs,
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        body: (n) =>
          JSON.stringify({
            source: `bench-${runTag}`,
            // Keys new to this database on every run: a repeated key is a redelivery, another path.
            idempotencyKey: `growth-${runTag}-${tag}-${n}`,
            lead: { email: `lead${n}@acme.example`, country: 'DE', score: n % 100 },
          }),
      });
    await loop(2, rate / 2, 'warm'); // JIT, pools, prepared paths
    const result = await loop(seconds, rate, 'run');
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const p = await withDb(databaseUrl, (db) => intakeProgress(db, source));
      if (p.done >= p.acked) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const s = await withDb(databaseUrl, (db) => intakeToWritebackMs(db, source));
    const lat = [...s.latenciesMs].sort((a, b) => a - b);
    return {
      ...ackFigures(result, percentile),
      e2e_p50_ms: percentile(lat, 50),
      e2e_p99_ms: percentile(lat, 99),
      acked: s.acked,
      lost: s.acked - s.done,
    };
  } finally {
    for (const p of procs) p.child.kill('SIGTERM');
    await Promise.all(procs.map((p) => p.exited));
  }
}

async function prepared(name: string, seed: number) {
  const fresh = await freshDatabase(process.env.DATABASE_URL!, name);
  const migrate = startCli(['migrate'], { DATABASE_URL: fresh.url });
  if ((await migrate.exited) !== 0) throw new Error(`migrate failed:\n${migrate.output()}`);
  const started = Date.now();
  const phases =
    seed > 0
      ? await withDb(
          fresh.url,
          (db) =>
            seedHistory(db, {
              leads: seed,
              until: new Date(),
              spanDays: 730,
              parallel: 2,
              onChunk: (n) => process.stderr.write(`\rseeded ${n} of ${seed} historical leads`),
            }),
          2,
        )
      : undefined;
  if (seed > 0) process.stderr.write('\n');
  return { ...fresh, seedSeconds: Math.round((Date.now() - started) / 1000), phases };
}

/** The middle value (the mean of the two middle ones for an even count). */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 100) / 100 : null);

async function main() {
  if (!process.env.DATABASE_URL || !process.env.REDIS_URL)
    throw new Error('set DATABASE_URL and REDIS_URL (`. .ci/services.sh`)');
  const empty = await prepared('growth_empty', 0);
  const grown = await prepared('growth_history', historical);
  try {
    // Each run starts from the same state: the seed's writes (or the last run's) checkpointed and on
    // disk, the disks idle. Otherwise the ~19 GB a 10M seed leaves in the page cache are written
    // during the first measured runs, and their tails measure the disk, not the tables.
    const settled = async () => {
      for (const db of [empty, grown]) await withDb(db.url, settleHistory);
      return disksQuiet();
    };
    const runs: Array<
      { pair: number; tables: 'empty' | 'history'; settle: { quiet: boolean; seconds: number } } & Awaited<
        ReturnType<typeof run>
      >
    > = [];
    for (let pair = 1; pair <= pairs; pair++)
      for (const [tables, db] of [
        ['empty', empty],
        ['history', grown],
      ] as const) {
        const settle = await settled();
        process.stderr.write(
          `pair ${pair}: ${tables} (disks ${settle.quiet ? 'quiet' : 'NOT quiet'} after ${settle.seconds} s)\n`,
        );
        runs.push({ pair, tables, settle, ...(await run(db.url, `p${pair}`)) });
      }
    const of = (tables: 'empty' | 'history', f: 'ack_p99_ms' | 'e2e_p99_ms') =>
      runs.filter((r) => r.tables === tables).map((r) => r[f]);
    const byPair = Array.from({ length: pairs }, (_, i) => {
      const [e, h] = [runs[2 * i]!, runs[2 * i + 1]!];
      return {
        pair: i + 1,
        ack_p99_ratio: ratio(h.ack_p99_ms, e.ack_p99_ms),
        e2e_p99_ratio: ratio(h.e2e_p99_ms, e.e2e_p99_ms),
      };
    });
    const worst = (f: 'ack_p99_ratio' | 'e2e_p99_ratio') => Math.max(...byPair.map((p) => p[f] ?? 0));
    const sizes = await withDb(grown.url, (db) => tableSizes(db, tables));
    console.log(
      JSON.stringify({
        bench: 'growth',
        mode: `postgres + redis (serve + 1 worker); ${pairs} pairs of runs alternating empty, history, each side in a database of its own (reused across its runs), checkpointed and the disks idle before each run`,
        historical_leads: historical,
        target_rate_per_s: rate,
        seconds,
        pairs,
        ratio_of: 'median p99 with history / median p99 on empty tables, over the pairs',
        ack_p99_ratio: ratio(median(of('history', 'ack_p99_ms')), median(of('empty', 'ack_p99_ms'))),
        e2e_p99_ratio: ratio(median(of('history', 'e2e_p99_ms')), median(of('empty', 'e2e_p99_ms'))),
        worst_pair_ack_p99_ratio: worst('ack_p99_ratio'),
        worst_pair_e2e_p99_ratio: worst('e2e_p99_ratio'),
        empty_median: { ack_p99_ms: median(of('empty', 'ack_p99_ms')), e2e_p99_ms: median(of('empty', 'e2e_p99_ms')) },
        history_median: {
          ack_p99_ms: median(of('history', 'ack_p99_ms')),
          e2e_p99_ms: median(of('history', 'e2e_p99_ms')),
        },
        by_pair: byPair,
        runs,
        seed_seconds: grown.seedSeconds,
        seed_phases_s: grown.phases,
        table_sizes_mb: Object.fromEntries(Object.entries(sizes).map(([t, b]) => [t, Math.round(b / 1048576)])),
      }),
    );
  } finally {
    await empty.drop();
    await grown.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
