// A fixed-rate (open-loop) HTTP load: request i is due at start + i/rate and is sent then,
// whether or not earlier ones have answered, so a server stall delays every request sent into
// it (no coordinated omission). Latency is counted from the send (what a client sees) and,
// separately, from the due time (adds the generator's own lateness: on a shared 2-core box it
// competes for the CPU with the service). autocannon was dropped: its rate limit lets each
// connection send its whole per-second quota at once, so "1,000 req/s" arrived as a burst
// every second, and it then filled in synthetic samples at a 1 ms expected interval.
import { Pool } from 'undici';

/**
 * Seconds at the full rate before a measured run, for the baseline handler and the service alike.
 * Two seconds at half the rate left the baseline, a fresh process each pair, short of steady state:
 * its p99 was 2.5-4.5 ms after it and 1.2-2.3 ms after this (bench:intake, 5 pairs, twice each).
 */
export const warmUpSeconds = 5;

export interface OpenLoopResult {
  sent: number;
  byStatus: Record<string, number>;
  errors: number;
  /** Send -> response body read, per answered request, sorted. */
  latenciesMs: number[];
  /** Due time -> response body read, sorted. */
  fromDueMs: number[];
  /** How late the generator itself sent (its own event loop), p99: large values mean the figure is the client's. */
  sendLagP99Ms: number;
}

export async function openLoop(opts: {
  origin: string;
  path: string;
  rate: number;
  seconds: number;
  /** Upper bound on sockets; only as many open as requests overlap. */
  connections?: number;
  headers: Record<string, string>;
  body: (n: number) => string;
}): Promise<OpenLoopResult> {
  const pool = new Pool(opts.origin, { connections: opts.connections ?? 64, pipelining: 1, keepAliveTimeout: 30_000 });
  const total = Math.round(opts.rate * opts.seconds);
  const interval = 1000 / opts.rate;
  const latencies: number[] = [];
  const fromDue: number[] = [];
  const lags: number[] = [];
  const byStatus: Record<string, number> = {};
  let errors = 0;
  const inFlight = new Set<Promise<void>>();

  const send = (n: number, due: number) => {
    const sent = performance.now();
    lags.push(sent - due);
    const p = pool
      .request({ path: opts.path, method: 'POST', headers: opts.headers, body: opts.body(n) })
      .then(async (res) => {
        await res.body.dump();
        const end = performance.now();
        latencies.push(end - sent);
        fromDue.push(end - due);
        byStatus[res.statusCode] = (byStatus[res.statusCode] ?? 0) + 1;
      })
      .catch(() => {
        errors++;
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  const start = performance.now();
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && start + next * interval <= now) {
        send(next, start + next * interval);
        next++;
      }
      if (next >= total) return resolve();
      setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
    };
    tick();
  });
  while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  await pool.close();
  for (const a of [latencies, fromDue, lags]) a.sort((x, y) => x - y);
  return {
    sent: total,
    byStatus,
    errors,
    latenciesMs: latencies,
    fromDueMs: fromDue,
    sendLagP99Ms: lags[Math.floor(lags.length * 0.99)] ?? 0,
  };
}

/** The ack figures both intake benches print. */
export function ackFigures(r: OpenLoopResult, percentile: (sorted: number[], p: number) => number) {
  return {
    ack_p50_ms: percentile(r.latenciesMs, 50),
    ack_p99_ms: percentile(r.latenciesMs, 99),
    ack_max_ms: percentile(r.latenciesMs, 100),
    ack_p99_from_due_ms: percentile(r.fromDueMs, 99),
    client_send_lag_p99_ms: Math.round(r.sendLagP99Ms * 100) / 100,
  };
}
