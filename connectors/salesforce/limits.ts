// The connector's API budget. Salesforce counts every REST call against a 24-hour org allowance
// shared with every other integration, and reports usage on each response in the
// Sforce-Limit-Info header (`api-usage=18/5000`). jsforce parses that header into
// conn.limitInfo.apiUsage after each request; we read it there, hand it to deps.onLimitInfo
// (metrics), and stop calling once only `reserveApiCalls` remain, so a routing burst can never
// starve the org's other integrations. A rolling per-minute cap smooths our own bursts.
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

  const expire = (now: number) => {
    while (started.length > 0 && started[0]! <= now - WINDOW_MS) started.shift();
  };
  const waitForSlot = async (background: boolean) => {
    for (;;) {
      const now = deps.nowMs();
      expire(now);
      const free = opts.maxRequestsPerMinute - started.length;
      if (background ? foregroundWaiting === 0 && free > backgroundReserve : free > 0) {
        started.push(now);
        return;
      }
      const oldest = started[0] ?? now;
      // A background caller re-checks often: a slot may be free but held back for the foreground.
      await deps.sleep(
        background && free > 0 ? Math.ceil(WINDOW_MS / opts.maxRequestsPerMinute) : oldest + WINDOW_MS - now,
      );
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
      return {
        remaining: Math.min(minuteLeft, Math.floor(limit * dailyShare)),
        limit,
        nextCallInMs: minuteLeft > 0 ? 0 : Math.max(0, started[0]! + WINDOW_MS - now),
        callIntervalMs: WINDOW_MS / limit,
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
