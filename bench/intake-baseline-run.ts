// The baseline handler's run (bench/baseline-server.ts, its own process like `serve`) under the
// same fixed-rate generator, on the same Postgres and Redis: bench:intake-baseline prints it
// alone, bench:intake runs it first in the same run and compares its ack p99 with serve's.
import { spawn } from 'node:child_process';
import { ackFigures, openLoop, warmUpSeconds } from './open-loop.js';
import { cpuMeter, freePort, freshDatabase, percentile, root, waitHealthy } from './support.js';

export async function baselineRun(rate: number, seconds: number) {
  if (!process.env.DATABASE_URL || !process.env.REDIS_URL)
    throw new Error('set DATABASE_URL and REDIS_URL (`. .ci/services.sh`)');
  const db = await freshDatabase(process.env.DATABASE_URL, 'baseline');
  const port = await freePort();
  // Node's own type stripping, not tsx: plain JavaScript at run time, like the compiled `serve` it is compared with.
  const child = spawn(`${root}node_modules/.bin/node`, ['--no-warnings', `${root}bench/baseline-server.ts`], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: db.url,
      REDIS_URL: process.env.REDIS_URL,
      PORT: String(port),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise((r) => child.on('exit', r));
  await waitHealthy(`http://127.0.0.1:${port}/healthz`);
  const run = (s: number, r: number) =>
    openLoop({
      origin: `http://127.0.0.1:${port}`,
      path: '/v1/leads',
      rate: r,
      seconds: s,
      headers: { 'content-type': 'application/json' },
      body: (n) =>
        JSON.stringify({
          source: 'bench',
          idempotencyKey: `bench-${r}-${n}`,
          lead: { email: `lead${n}@acme.example`, country: 'DE', score: n % 100 },
        }),
    });
  await run(warmUpSeconds, rate);
  const cpu = cpuMeter({
    server: (pid) => pid === child.pid,
    postgres: (_, cmd) => cmd.startsWith('postgres'),
    redis: (_, cmd) => cmd.startsWith('redis-server'),
    load_generator: (pid) => pid === process.pid,
  });
  const result = await run(seconds, rate);
  const cpuSeconds = cpu();
  child.kill('SIGTERM');
  await exited;
  await db.drop();
  return {
    bench: 'intake-baseline',
    mode: 'minimal fastify + pg INSERT + BullMQ add (bench/baseline-server.ts)',
    target_rate_per_s: rate,
    seconds,
    acks_per_s: Math.round((result.byStatus['202'] ?? 0) / seconds),
    errors: result.errors,
    ...ackFigures(result, percentile),
    cpu_s: cpuSeconds,
  };
}
