// npm run bench:embedded-rss [-- --rate N] [--seconds S] [--idle-seconds S]
// Memory of the embedded default, as `npm start` runs it: the compiled `serve` (run `npm run build`
// first) with no DATABASE_URL and no REDIS_URL (PGlite + in-process jobs) on a fresh data folder.
// Prints one JSON object: resident set size (VmRSS, /proc) once idle after start, its peak while
// POST /v1/leads comes at `rate`/s (open loop), and once idle again. Target: idle under 300 MB.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openLoop } from './open-loop.js';
import { freePort, percentile, root, waitHealthy } from './support.js';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '15' },
    'idle-seconds': { type: 'string', default: '10' },
  },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const idleSeconds = Number(values['idle-seconds']);
const key = 'bench-key-0123456789';

/** Resident set size of a process in MB (Linux /proc). */
function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'lr-rss-'));
  // As `npm start` runs it: node on the compiled bin, whatever flags bin/lead-router.js sets for itself.
  // RSS_NODE_FLAGS (e.g. "--no-wasm-tier-up --max-semi-space-size=2") measures node flags before adopting them.
  const flags = process.env.RSS_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...flags, join(root, 'bin/lead-router.js'), 'serve'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      DATA_DIR: dataDir,
      INTAKE_API_KEYS: key,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise((r) => child.on('exit', r));
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitHealthy(`${base}/healthz`, 120_000);
    await sleep(idleSeconds * 1000);
    const idleAfterStart = rssMb(child.pid!);
    const samples: number[] = [];
    const sampler = setInterval(() => samples.push(rssMb(child.pid!)), 250);
    const result = await openLoop({
      origin: base,
      path: '/v1/leads',
      rate,
      seconds,
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: (n) =>
        JSON.stringify({
          source: 'bench',
          idempotencyKey: `rss-${n}`,
          lead: { email: `lead${n}@acme.example`, country: 'DE' },
        }),
    });
    clearInterval(sampler);
    await sleep(idleSeconds * 1000);
    const idleAfterLoad = rssMb(child.pid!);
    const sorted = [...samples].sort((a, b) => a - b);
    console.log(
      JSON.stringify({
        bench: 'embedded-rss',
        mode: 'compiled serve, PGlite + in-process jobs, fresh data folder',
        node: process.version,
        node_flags: flags,
        idle_rss_mb: idleAfterStart,
        target_idle_rss_mb: 300,
        rate_per_s: rate,
        seconds,
        acked: result.sent - result.errors,
        rss_at_rate_p50_mb: percentile(sorted, 50),
        rss_at_rate_max_mb: percentile(sorted, 100),
        idle_rss_after_load_mb: idleAfterLoad,
      }),
    );
  } finally {
    child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
