// The connector's API budget. Salesforce counts every REST call against a 24-hour org allowance
// shared with every other integration, and reports usage on each response in the
// Sforce-Limit-Info header (`api-usage=18/5000`). jsforce parses that header into
// conn.limitInfo.apiUsage after each request; we read it there, hand it to deps.onLimitInfo
// (metrics), and stop calling once only `reserveApiCalls` remain, so a routing burst can never
// starve the org's other integrations. A rolling per-minute cap smooths our own bursts: like
// HubSpot's bucket, calls go at once while less than half the minute's cap is spent, and past
// that are paced one per minute/cap. Unpaced, a stream of small batches spent the whole minute
// and every call then waited for the oldest to age out, up to a minute: bench:owner-latency's
// 200 leads/s phase, after 9 and 10 leads/s ones had spent ~410 of 600, wrote its owners 9.4 s
// late (p99). Paced, the batchers see the next slot (`paced` in the budget) and fill to it.
// Background calls (the account mirror's sync) yield to the rest: they start only while no other
// call waits for a slot and more than a fifth of the minute's slots are free, so owner writes go
// first even during a million-account load.

import type { CallBudget } from '../../src/connector.js';
import { AppError } from '../../src/errors.js';

export interface ApiUsage {
  used: number;
  limit: number;
}

export interface BudgetOptions {
  maxRequestsPerMinute: number;
  reserveApiCalls: number;
  /** Calls that go back to back before pacing starts; default half of maxRequestsPerMinute (all of it: no pacing). */
  burst?: number;
}

export interface BudgetDeps {
  nowMs: () => number;
  sleep: (ms: number) => Promise<void>;
  onLimitInfo?: (usage: ApiUsage) => void;
}

export interface RequestBudget {
  /** Runs one API call inside the budget and reports the usage the response carried. */
  run<T>(call: () => Promise<T>, usageAfter: () => ApiUsage | undefined, opts?: { background?: boolean }): Promise<T>;
  /** Last usage Salesforce reported, if any. */
  lastUsage(): ApiUsage | undefined;
  /**
   * What is left now, for the batchers: the per-minute window, scaled down when the org's daily
   * allowance above the reserve is the scarcer of the two (its share left is lower).
   */
  budget(): CallBudget;
}

const WINDOW_MS = 60_000;

export function createRequestBudget(opts: BudgetOptions, deps: BudgetDeps): RequestBudget {
  const started: number[] = [];
  let usage: ApiUsage | undefined;
  let foregroundWaiting = 0;
  const backgroundReserve = Math.floor(opts.maxRequestsPerMinute / 5);
  const intervalMs = WINDOW_MS / opts.maxRequestsPerMinute;
  /** Calls that go back to back before pacing starts: half the minute's cap. */
  const burst = Math.max(1, Math.floor(opts.burst ?? opts.maxRequestsPerMinute / 2));
  let lastStart = -Infinity;

  const expire = (now: number) => {
    while (started.length > 0 && started[0]! <= now - WINDOW_MS) started.shift();
  };
  /** When the next call may start (calls expired up to `now`): the oldest aging out of a full minute, or pacing. */
  const readyAt = (now: number) => {
    if (started.length >= opts.maxRequestsPerMinute)
      return started[started.length - opts.maxRequestsPerMinute]! + WINDOW_MS;
    if (started.length >= burst) return Math.max(now, lastStart + intervalMs);
    return now;
  };
  const waitForSlot = async (background: boolean) => {
    for (;;) {
      const now = deps.nowMs();
      expire(now);
      const free = opts.maxRequestsPerMinute - started.length;
      const at = readyAt(now);
      if (at <= now && (!background || (foregroundWaiting === 0 && free > backgroundReserve))) {
        started.push(now);
        lastStart = now;
        return;
      }
      // A background caller re-checks often: a slot may be free but held back for the foreground.
      await deps.sleep(Math.max(1, Math.ceil(background && at <= now ? intervalMs : at - now)));
    }
  };

  return {
    async run(call, usageAfter, runOpts = {}) {
      if (usage && usage.limit - usage.used <= opts.reserveApiCalls) {
        throw new AppError(
          'CRM_RATE_LIMITED',
          `Salesforce API usage ${usage.used}/${usage.limit} leaves no more than the reserved ${opts.reserveApiCalls} calls`,
          { retryable: true, retryAfterMs: 15 * WINDOW_MS },
        );
      }
      if (runOpts.background) await waitForSlot(true);
      else {
        foregroundWaiting++;
        try {
          await waitForSlot(false);
        } finally {
          foregroundWaiting--;
        }
      }
      try {
        return await call();
      } finally {
        const u = usageAfter();
        if (u && (u.used !== usage?.used || u.limit !== usage?.limit)) {
          usage = { used: u.used, limit: u.limit };
          deps.onLimitInfo?.(usage);
        }
      }
    },
    lastUsage: () => usage,
    budget() {
      const now = deps.nowMs();
      expire(now);
      const limit = opts.maxRequestsPerMinute;
      const minuteLeft = Math.max(0, limit - started.length);
      const dailyShare = usage
        ? Math.max(0, usage.limit - opts.reserveApiCalls - usage.used) / Math.max(1, usage.limit - opts.reserveApiCalls)
        : 1;
      // Each caller already waiting for a slot takes one first (paced: an interval each).
      const ahead = started.length + foregroundWaiting >= burst ? foregroundWaiting * intervalMs : 0;
      return {
        remaining: Math.min(minuteLeft, Math.floor(limit * dailyShare)),
        limit,
        nextCallInMs: Math.max(0, Math.ceil(readyAt(now) + ahead - now)),
        callIntervalMs: intervalMs,
        // The minute's pacing decides while the minute is the scarcer share; when the day's
        // allowance is, the batchers fill on their own (batch-wait.ts), the slower the less is left.
        paced: dailyShare >= minuteLeft / limit,
      };
    },
  };
}

/**
 * Parses a Sforce-Limit-Info value (`api-usage=18/5000; api-bursts=1/750`) into its items.
 * jsforce keeps only api-usage; this is for callers holding the raw header (the stand-in, logs).
 */
export function parseLimitInfo(header: string): Record<string, ApiUsage> {
  const out: Record<string, ApiUsage> = {};
  for (const part of header.split(/[;,]\s*/)) {
    const m = /^\s*([a-z-]+)=(\d+)\/(\d+)/.exec(part);
    if (m) out[m[1]!] = { used: Number(m[2]), limit: Number(m[3]) };
  }
  return out;
}
