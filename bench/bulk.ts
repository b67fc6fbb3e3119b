// npm run bench:bulk [-- --leads 100000 --rows 1000000 --skip-import --skip-reroute --window-requests 190]
// Two phases against the real CLI processes, on DATABASE_URL (a fresh database) and Redis:
// 1. reroute: `leads` HubSpot contacts owned by ana, the compiled `lead-router reroute --from-rep ana`, one
//    `worker` writing owners to a stand-in HubSpot limited like a private app (190 requests per
//    rolling 10 s). A reroute reads no record (the stored lead is decided again), so every CRM
//    call is a batch update of 100 owners: the ceiling is 19 req/s x 100 = 1900 owners/s.
//    reroute_leads_per_s counts owners set after the first window (the bucket starts full), which
//    starts with the first call (reroute_first_call_s after the CLI's start).
// 2. import: a generated CSV of `rows` rows through the compiled `lead-router import` (run
//    `npm run build` first; --tsx runs src/ instead); rows/s from the job's
//    own start and finish, peak RSS from the process's VmHWM. Its route jobs go to a private
//    redis-server (BULK_BENCH_REDIS_PORT, default 28779) dropped afterwards, so a million jobs
//    never land in a shared Redis; no worker routes them here (routing has its own bench).
// BULK_BENCH_DEBUG=1 prints the reroute's last chunk timings (ms into the chunk per step).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startHubSpotStandIn, type RecordedWrite } from '../test/support/hubspot-standin.js';
import { freshDatabase, startCli, startCompiledCli } from './support.js';

const { values } = parseArgs({
  options: {
    leads: { type: 'string', default: '100000' },
    rows: { type: 'string', default: '1000000' },
    'skip-import': { type: 'boolean', default: false },
    'skip-reroute': { type: 'boolean', default: false },
    /** Run the CLI through tsx (src/) instead of the compiled dist/ (`npm run build` first). */
    tsx: { type: 'boolean', default: false },
    /** HubSpot requests per rolling 10 s (a private app: 190); lower puts the ceiling below a loaded machine's routing. */
    'window-requests': { type: 'string', default: '190' },
  },
});
const leads = Number(values.leads);
const rows = Number(values.rows);
const limit = { requests: Number(values['window-requests']), windowMs: 10_000 };
const writeBatchMax = 100;
const ceilingPerS = (limit.requests / (limit.windowMs / 1000)) * writeBatchMax;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ticksPerS = 100; // USER_HZ on Linux

/**
 * A child's peak RSS (VmHWM) and CPU time (user + system), polled from /proc until it exits: CPU
 * time is the figure to compare on a loaded machine, where wall time is mostly other processes.
 */
function watchProcess(pid: number): { stop(): { peakMb: number; cpuS: number } } {
  let peakKb = 0;
  let ticks = 0;
  const read = () => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) peakKb = Math.max(peakKb, Number(m[1]));
      // Fields 14 and 15 (utime, stime) after the command name, which may hold spaces.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks = Math.max(ticks, Number(f[11]) + Number(f[12]));
    } catch {
      // exited: the last reading stands
    }
  };
  read();
  const timer = setInterval(read, 100);
  return {
    stop() {
      clearInterval(timer);
      return { peakMb: Math.round(peakKb / 1024), cpuS: Math.round((ticks / ticksPerS) * 10) / 10 };
    },
  };
}

async function sql<T>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}

function baseEnv(databaseUrl: string, redisUrl: string, prefix: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    INTAKE_API_KEYS: 'bench-key-0123456789',
    CONFIG_FILE: 'fixtures/config/default.yaml',
    WORKER_PORT: '0',
    SWEEP_AFTER_MS: '600000',
  };
}

async function reroutePhase(databaseUrl: string) {
  const ids = Array.from({ length: leads }, (_, i) => String(1_000_000 + i));
  const standIn = await startHubSpotStandIn({
    rateLimit: limit,
    records: {
      contacts: Object.fromEntries(ids.map((id) => [id, { email: `c${id}@acme.example`, hubspot_owner_id: '101' }])),
    },
    owners: [{ id: '101' }, { id: '102' }, { id: '103' }],
  });
  const writtenAt = new Map<string, number>();
  const push = standIn.writes.push.bind(standIn.writes);
  standIn.writes.push = (...ws: RecordedWrite[]) => {
    const t = performance.now();
    for (const w of ws) if (!writtenAt.has(w.id)) writtenAt.set(w.id, t);
    return push(...ws);
  };
  const env = {
    ...baseEnv(databaseUrl, process.env.REDIS_URL!, `lr-bench-bulk-${Date.now()}`),
    HUBSPOT_CONFIG: JSON.stringify({
      baseUrl: standIn.url,
      auth: { kind: 'private_app', token: 'pat-bench' },
      clientSecret: 'bench-client-secret',
      rateLimit: limit,
    }),
    WRITE_BATCH_MAX: String(writeBatchMax),
  };
  // Leads as routing left them: owned by ana (HubSpot owner 101), counted in her open load.
  await sql(
    databaseUrl,
    `insert into leads (crm, object_type, record_id, data, owner_rep_id, crm_owner_id)
     select 'hubspot', 'contact', (1000000 + g)::text,
       jsonb_build_object('source', jsonb_build_object('crm', 'hubspot', 'objectType', 'contact', 'id', (1000000 + g)::text),
         'email', 'c' || (1000000 + g) || '@acme.example', 'country', 'DE'), 'ana', '101'
     from generate_series(0, $1::int - 1) g`,
    [leads],
  );
  await sql(databaseUrl, `insert into routing_counters (key, value) values ('rep:ana:open', $1)`, [leads]);
  // The compiled CLI, as deployed (--tsx: src/ through tsx, whose transform costs CPU of its own).
  const run = values.tsx ? startCli : startCompiledCli;
  const worker = run(['worker'], { ...env, WORKER_CONCURRENCY: '400' });
  const requestsBefore = standIn.requests.length;
  const start = performance.now();
  const cli = run(['reroute', '--from-rep', 'ana'], { ...env, LOG_LEVEL: 'info' });
  const cliWatch = watchProcess(cli.child.pid!);
  const workerWatch = watchProcess(worker.child.pid!);
  const code = await cli.exited;
  const cliUsage = cliWatch.stop();
  if (code !== 0) throw new Error(`reroute failed:\n${cli.output()}`);
  const committedMs = performance.now() - start;
  if (process.env.BULK_BENCH_DEBUG)
    console.error(
      cli
        .output()
        .split('\n')
        .filter((l) => l.includes('chunk'))
        .slice(-5)
        .join('\n'),
    );
  const deadline = Date.now() + Math.max(300_000, (leads / ceilingPerS) * 3000);
  while (writtenAt.size < leads && Date.now() < deadline) await sleep(200);
  const times = [...writtenAt.values()].map((t) => t - start);
  const endMs = Math.max(...times);
  const phase = standIn.requests.slice(requestsBefore);
  // The bucket's first window starts with the first call, not with the CLI's start (~2.7 s of
  // process start and first chunk before it): counted from the start, the window's last seconds,
  // where the spent tokens have not come back yet, were taken for the steady rate (0.93 of the
  // ceiling where the calls went 19 a second, 100 owners each, from the first window's end on).
  const firstCallMs = Math.min(...phase.map((r) => r.at)) - start;
  const steadyFromMs = firstCallMs + limit.windowMs;
  const steady = times.filter((t) => t > steadyFromMs).length;
  const workerUsage = workerWatch.stop();
  worker.child.kill('SIGTERM');
  await worker.exited;
  await standIn.close();
  const perSecond = steady / ((endMs - steadyFromMs) / 1000);
  return {
    reroute_leads: leads,
    reroute_leads_per_s: Math.round(perSecond),
    reroute_share_of_ceiling: Math.round((perSecond / ceilingPerS) * 1000) / 1000,
    reroute_ceiling_per_s: ceilingPerS,
    reroute_committed_per_s: Math.round(leads / (committedMs / 1000)),
    reroute_all_written_s: Math.round(endMs / 100) / 10,
    reroute_first_call_s: Math.round(firstCallMs / 100) / 10,
    crm_calls_per_1000: Math.round((phase.length / (leads / 1000)) * 10) / 10,
    throttled_429: phase.filter((r) => r.status === 429).length,
    owners_written: writtenAt.size,
    duplicated_writes: standIn.writes.length - writtenAt.size,
    reroute_cli_cpu_s: cliUsage.cpuS,
    reroute_worker_cpu_s: workerUsage.cpuS,
    reroute_cli_peak_rss_mb: cliUsage.peakMb,
  };
}

async function writeCsv(file: string): Promise<void> {
  const out = createWriteStream(file);
  const countries = ['DE', 'FR', 'US', 'ES', 'IT'];
  out.write('externalId,email,firstName,company,country,employeeCount\n');
  for (let i = 0; i < rows; i++) {
    const line = `imp-${i},p${i}@acme${i % 997}.example,Pat${i % 100},Acme ${i % 997},${countries[i % 5]},${i % 5000}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function importPhase(databaseUrl: string) {
  const dir = mkdtempSync(join(tmpdir(), 'lr-bench-import-'));
  const file = join(dir, 'leads.csv');
  await writeCsv(file);
  const port = process.env.BULK_BENCH_REDIS_PORT ?? '28779';
  const redis = spawn('redis-server', ['--port', port, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  await sleep(500);
  try {
    const env = baseEnv(databaseUrl, `redis://127.0.0.1:${port}`, `lr-bench-import-${Date.now()}`);
    // The compiled CLI, as deployed (the Dockerfile runs dist/): tsx's transform alone holds ~100 MB.
    const cli = values.tsx
      ? startCli(['import', file, '--source', 'bench'], env)
      : startCompiledCli(['import', file, '--source', 'bench'], env);
    const watch = watchProcess(cli.child.pid!);
    const code = await cli.exited;
    const usage = watch.stop();
    if (code !== 0) throw new Error(`import failed:\n${cli.output()}`);
    const [job] = await sql<{ counts: Record<string, number>; s: number }>(
      databaseUrl,
      `select counts, extract(epoch from finished_at - created_at)::float8 s from bulk_jobs where kind = 'import'`,
    );
    return {
      import_rows: rows,
      import_rows_per_s: Math.round(rows / job!.s),
      import_peak_rss_mb: usage.peakMb,
      import_cpu_s: usage.cpuS,
      import_cpu_us_per_row: Math.round((usage.cpuS * 1e6) / rows),
      import_counts: job!.counts,
    };
  } finally {
    redis.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  if (!process.env.DATABASE_URL || !process.env.REDIS_URL) throw new Error('set DATABASE_URL and REDIS_URL');
  const db = await freshDatabase(process.env.DATABASE_URL, 'bulk');
  try {
    const migrate = startCli(['migrate'], baseEnv(db.url, process.env.REDIS_URL, 'lr-bench-bulk-migrate'));
    if ((await migrate.exited) !== 0) throw new Error(`migrate failed:\n${migrate.output()}`);
    const reroute = values['skip-reroute'] ? {} : await reroutePhase(db.url);
    const imported = values['skip-import'] ? {} : await importPhase(db.url);
    console.log(
      JSON.stringify({
        bench: 'bulk',
        mode: 'reroute: CLI + 1 worker, stand-in HubSpot 190 req / 10 s; import: CLI, private redis, no routing',
        ...reroute,
        ...imported,
      }),
    );
  } finally {
    await db.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
