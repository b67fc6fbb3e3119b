// npm run bench:intake-baseline [-- --rate N] [--seconds S] [--routing-beside] [--pairs P]
// The floor bench:intake's ack latency is compared with: the issue's "minimal fastify + pg
// INSERT + BullMQ add handler" (bench/baseline-server.ts, its own process like `serve`), under
// the same fixed-rate generator, on the same Postgres and Redis. bench:intake runs it too, first,
// in the same run: on a shared 2-core machine the floor moves with everything else running.
// --routing-beside: P pairs (default 3) of the baseline alone, then the baseline with a compiled
// `worker` routing the same rate of API leads beside it on the same cores (its own database; the
// leads stored by bench/routing-beside.ts, one INSERT per 30 ms, no HTTP). It prints each pair's
// ack p99 and the median pair's ratio: what routing on the same two cores does to the minimal
// handler itself, against bench:intake's target of 1.5x the handler alone.
import { parseArgs } from 'node:util';
import { intakeProgress, openPostgres } from '../src/db/index.js';
import { baselineRun } from './intake-baseline-run.js';
import { freshDatabase, lowerMedian, startCompiledCli, startScript, type StartedCli } from './support.js';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '15' },
    'routing-beside': { type: 'boolean', default: false },
    pairs: { type: 'string', default: '3' },
  },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);

/** Owners written in the database at `url`, all of them routed there (the run is void if the worker beside it wrote none). */
async function routedIn(url: string): Promise<number> {
  const h = await openPostgres(url, { poolSize: 1 });
  try {
    return (await intakeProgress(h.db)).done;
  } finally {
    await h.close();
  }
}

/** Runs `f` while a worker routes `rate` API leads a second on a database of its own; and how many it routed. */
async function withRoutingBeside<T>(f: () => Promise<T>): Promise<{ result: T; routed: number }> {
  const db = await freshDatabase(process.env.DATABASE_URL!, 'beside');
  const env = {
    DATABASE_URL: db.url,
    REDIS_URL: process.env.REDIS_URL!,
    QUEUE_PREFIX: `lr-beside-${Date.now()}`,
    WORKER_PORT: '0',
    SWEEP_AFTER_MS: '30000',
    RATE: String(rate),
  };
  const migrate = startCompiledCli(['migrate'], env);
  if ((await migrate.exited) !== 0) throw new Error(`migrate failed:\n${migrate.output()}`);
  const procs: StartedCli[] = [startCompiledCli(['worker'], env), startScript('bench/routing-beside.ts', env)];
  try {
    const result = await f();
    return { result, routed: await routedIn(db.url) };
  } finally {
    for (const p of procs) p.child.kill('SIGTERM');
    await Promise.all(procs.map((p) => p.exited));
    await db.drop();
  }
}

async function main() {
  if (!values['routing-beside']) return baselineRun(rate, seconds);
  const pairs = [];
  for (let i = 0; i < Math.max(1, Number(values.pairs)); i++) {
    const alone = (await baselineRun(rate, seconds)).ack_p99_ms;
    const { result, routed } = await withRoutingBeside(() => baselineRun(rate, seconds));
    const beside = result.ack_p99_ms;
    pairs.push({
      alone_ack_p99_ms: alone,
      beside_ack_p99_ms: beside,
      ratio: Math.round((beside / alone) * 100) / 100,
      routed_beside: routed,
    });
  }
  return {
    bench: 'intake-baseline',
    mode: 'the baseline handler alone, then beside a worker routing the same rate (--routing-beside)',
    target_rate_per_s: rate,
    seconds,
    // The median pair's ratio, taken as bench:intake takes its own.
    beside_vs_alone_ack_p99: lowerMedian(pairs.map((p) => p.ratio)),
    pairs,
  };
}

main().then(
  (r) => console.log(JSON.stringify(r)),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
