// npm run bench:intake [-- --embedded] [--rate N] [--seconds S]
// POST /v1/leads at a fixed rate against the real CLI processes, then measure from the
// database: every acked lead must reach "owner written" (lost = acked but never written back).
// Postgres mode: `serve` + 1 `worker` on DATABASE_URL/REDIS_URL (a fresh database per run).
// Embedded mode: one `serve` on PGlite with in-process jobs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { intakeToWritebackMs, openPglite, openPostgres } from '../src/db/index.js';
import { freePort, percentile, startCli, waitHealthy, freshDatabase } from './support.js';

const { values } = parseArgs({ options: { embedded: { type: 'boolean', default: false }, rate: { type: 'string' }, seconds: { type: 'string', default: '15' }, connections: { type: 'string', default: '16' }, workers: { type: 'string', default: '1' }, 'route-linger-ms': { type: 'string' } } });
const embedded = values.embedded!;
const rate = Number(values.rate ?? (embedded ? 200 : 1000));
const seconds = Number(values.seconds);
const key = 'bench-key-0123456789';


async function main() {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'lr-bench-'));
  let env: Record<string, string> = { PORT: String(port), INTAKE_API_KEYS: key, WORKER_PORT: '0', SWEEP_AFTER_MS: '30000' };
  let databaseUrl: string | undefined;
  if (values['route-linger-ms']) env.ROUTE_LINGER_MS = values['route-linger-ms'];
  if (embedded) env = { ...env, DATA_DIR: dataDir };
  else {
    if (!process.env.DATABASE_URL || !process.env.REDIS_URL) throw new Error('set DATABASE_URL and REDIS_URL (`. .ci/services.sh`), or pass --embedded');
    databaseUrl = (await freshDatabase(process.env.DATABASE_URL, 'intake')).url;
    env = { ...env, DATABASE_URL: databaseUrl, REDIS_URL: process.env.REDIS_URL, QUEUE_PREFIX: `lr-bench-${Date.now()}` };
    const migrate = startCli(['migrate'], env);
    if ((await migrate.exited) !== 0) throw new Error(`migrate failed:\n${migrate.output()}`);
  }
  const procs = [startCli(['serve'], env)];
  if (!embedded) for (let i = 0; i < Number(values.workers); i++) procs.push(startCli(['worker'], { ...env, WORKER_CONCURRENCY: '16' }));
  await waitHealthy(`${base}/healthz`);

  let n = 0;
  const run = (duration: number, r: number) =>
    autocannon({
      url: `${base}/v1/leads`,
      method: 'POST',
      connections: Number(values.connections),
      overallRate: r,
      duration,
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      requests: [
        {
          setupRequest: (req) => {
            n++;
            return { ...req, body: JSON.stringify({ source: 'bench', idempotencyKey: `bench-${process.pid}-${n}`, lead: { email: `lead${n}@acme.example`, country: 'DE', score: n % 100 } }) };
          },
        },
      ],
    });
  await run(2, rate / 2); // warm-up: JIT, pools, prepared paths
  const result = await run(seconds, rate);

  // Let the pipeline drain, then read every lead's intake -> owner-written time.
  const stats = async () => {
    if (embedded) return undefined;
    const h = await openPostgres(databaseUrl!, { poolSize: 1 });
    try {
      return await intakeToWritebackMs(h.db);
    } finally {
      await h.close();
    }
  };
  const deadline = Date.now() + 60_000;
  while (!embedded && Number(values.workers) > 0 && Date.now() < deadline) {
    const s = await stats();
    if (s && s.done >= s.acked) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  if (embedded) await new Promise((r) => setTimeout(r, 3000));
  for (const p of procs) p.child.kill('SIGTERM');
  await Promise.all(procs.map((p) => p.exited));
  let s = await stats();
  if (embedded) {
    const h = await openPglite(dataDir);
    s = await intakeToWritebackMs(h.db);
    await h.close();
  }
  rmSync(dataDir, { recursive: true, force: true });
  const lat = [...s!.latenciesMs].sort((a, b) => a - b);
  const acked = result['2xx'];
  console.log(
    JSON.stringify({
      bench: 'intake',
      mode: embedded ? 'embedded (PGlite + in-process jobs)' : `postgres + redis (serve + ${values.workers} worker)`,
      target_rate_per_s: rate,
      seconds,
      acks_per_s: Math.round(acked / seconds),
      non_2xx: result.non2xx,
      errors: result.errors,
      ack_p50_ms: result.latency.p50,
      ack_p99_ms: result.latency.p99,
      ack_max_ms: result.latency.max,
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
