// Shared by the benches: child processes of the real CLI, fixed-rate load, percentiles.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[i]! * 100) / 100;
}

/** The middle value, the lower of the two middle ones for an even count (a pair's ratio, not a mean of two). */
export function lowerMedian(xs: number[]): number | undefined {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export type StartedCli = { child: ChildProcess; exited: Promise<number | null>; output: () => string };

/** The CLI from src/ through tsx (no build needed). */
export function startCli(args: string[], env: Record<string, string>): StartedCli {
  return startScript('src/cli.ts', env, args);
}

/**
 * The compiled CLI (bin/lead-router.js, dist/ from `npm run build`), as production runs it: tsx
 * adds its own per-call cost to every function (esbuild's name helpers, source maps on errors).
 */
export function startCompiledCli(args: string[], env: Record<string, string>): StartedCli {
  return startNode([`${root}bin/lead-router.js`, ...args], env);
}

/** A script of ours (a path under the repository) through tsx, with the CLI's env defaults. */
export function startScript(path: string, env: Record<string, string>, args: string[] = []): StartedCli {
  return startNode(['--import', 'tsx', `${root}${path}`, ...args], env);
}

function startNode(argv: string[], env: Record<string, string>): StartedCli {
  // BENCH_CHILD_NODE_OPTIONS reaches the service processes only (e.g. --cpu-prof), not the load generator.
  const nodeOptions = process.env.BENCH_CHILD_NODE_OPTIONS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(`${root}node_modules/.bin/node`, [...nodeOptions, ...argv], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  child.stderr!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  return { child, exited: new Promise((r) => child.on('exit', (c) => r(c))), output: () => out };
}

export async function waitHealthy(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not become healthy`);
}

/** A fresh database on the server at baseUrl, named for the bench, and a way to drop it. */
export async function freshDatabase(baseUrl: string, bench = 'bench'): Promise<{ url: string; drop(): Promise<void> }> {
  const { default: pg } = await import('pg');
  const name = `lr_${bench}_${Date.now()}`;
  const admin = async (q: string) => {
    const c = new pg.Client({ connectionString: baseUrl });
    await c.connect();
    await c.query(q);
    await c.end();
  };
  await admin(`create database ${name}`);
  const u = new URL(baseUrl);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

/** The pid of the postmaster serving `url` (the parent of a backend): its writers are its other children. */
export async function postmasterPid(url: string): Promise<number | undefined> {
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ pid: number }>('select pg_backend_pid() as pid');
    const stat = readFileSync(`/proc/${rows[0]!.pid}/stat`, 'utf8');
    return Number(stat.split(') ')[1]!.split(' ')[1]);
  } catch {
    return undefined; // not on this machine, or not Linux
  } finally {
    await c.end();
  }
}

/**
 * CPU seconds used per process group over a window, read from /proc (Linux; empty elsewhere):
 * on a shared 2-core box, where the time goes is the first question about a latency figure.
 */
export function cpuMeter(
  groups: Record<string, (pid: number, cmdline: string, ppid: number) => boolean>,
): () => Record<string, number> {
  const tick = 100; // USER_HZ on Linux
  const read = () => {
    const out = new Map<number, { group: string; ticks: number }>();
    let pids: string[] = [];
    try {
      pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
    } catch {
      return out;
    }
    for (const p of pids) {
      try {
        const cmdline = readFileSync(`/proc/${p}/cmdline`, 'utf8').replaceAll('\0', ' ');
        const fields = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
        const group = Object.entries(groups).find(([, match]) => match(Number(p), cmdline, Number(fields[1])))?.[0];
        if (!group) continue;
        out.set(Number(p), { group, ticks: Number(fields[11]) + Number(fields[12]) });
      } catch {
        // the process ended between the listing and the read
      }
    }
    return out;
  };
  const start = read();
  return () => {
    const used: Record<string, number> = {};
    for (const [pid, { group, ticks }] of read())
      used[group] = (used[group] ?? 0) + (ticks - (start.get(pid)?.ticks ?? 0)) / tick;
    return Object.fromEntries(Object.entries(used).map(([g, s]) => [g, Math.round(s * 100) / 100]));
  };
}

/**
 * Waits for the disks to go quiet before a measured run: `sync` first (what a seed or an earlier run left
 * dirty in the page cache is written now, not during the next run's tail; the test Postgres runs with
 * fsync=off, so its checkpoints leave that to the kernel), then until the block devices have written
 * under `maxMBps` for `quietS` seconds running, at most `timeoutS`. Linux only (/sys/block); elsewhere
 * it returns after the sync. Returns whether it went quiet and how long the wait took.
 */
export async function disksQuiet(
  opts: { maxMBps?: number; quietS?: number; timeoutS?: number } = {},
): Promise<{ quiet: boolean; seconds: number }> {
  const { maxMBps = 4, quietS = 3, timeoutS = 180 } = opts;
  const started = Date.now();
  const elapsed = () => Math.round((Date.now() - started) / 100) / 10;
  await new Promise<void>((resolve) =>
    spawn('sync', { stdio: 'ignore' })
      .on('close', () => resolve())
      .on('error', () => resolve()),
  );
  const sectorsWritten = (): number | undefined => {
    try {
      return readdirSync('/sys/block')
        .filter((d) => !/^(loop|ram|zram|sr)/.test(d))
        .reduce((sum, d) => sum + Number(readFileSync(`/sys/block/${d}/stat`, 'utf8').trim().split(/\s+/)[6]), 0);
    } catch {
      return undefined;
    }
  };
  let last = sectorsWritten();
  if (last === undefined) return { quiet: false, seconds: elapsed() };
  let quietFor = 0;
  while (Date.now() - started < timeoutS * 1000) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = sectorsWritten()!;
    quietFor = ((now - last) * 512) / 1048576 < maxMBps ? quietFor + 1 : 0;
    last = now;
    if (quietFor >= quietS) return { quiet: true, seconds: elapsed() };
  }
  return { quiet: false, seconds: elapsed() };
}
