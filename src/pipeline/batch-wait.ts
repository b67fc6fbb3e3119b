// How long a short batch waits before its CRM call, decided per call from what the CRM's
// allowance has left (no knob to tune by hand):
// - plenty left (at least half the window): send now; a single lead must not wait for company;
// - tight: wait up to one call interval, longer as the window runs down, so the batch fills to
//   what the remaining rate allows; unless the limiter paces calls itself (HubSpot's bucket:
//   `paced`), whose pacing wait is the batch's wait: waiting a further interval on a free slot
//   would only spend it later, and the owner write that follows a record read by one round trip
//   would miss the slot paired with the next read (rate-limit.ts);
// - none left (the next call would wait for a token anyway): wait exactly that long, so the batch
//   that goes is everything that arrived meanwhile; under a burst, full batches.
// Routing batches may also gather for a few ms to share one transaction (ROUTE gather), but only
// when arrivals come fast enough for the wait to gather anything, and not when it would add less
// than half of what already waits (leads that waited for the last batch's read meanwhile). WRITE_LINGER_MS and
// ROUTE_LINGER_MS, when set, cap the waits we choose (the fill and the gather), never the wait for
// the CRM's next call: that one the call would wait anyway, inside the CRM call with its batch
// already cut; waited here, the batch fills meanwhile (bench:bulk: 0 had cut write batches to
// ~79 of 100 at the ceiling).
// A short routing batch's record read also waits out a paced limiter's spread (spreadInMs): the
// calls left, spaced evenly, must last until the window's first token returns, else the leads at
// the window's end wait for tokens to come back. Owner writes do not: each follows its read.
// How many short write batches may be out at once (shortBatchSlots): while every CRM's next call
// goes now or waits only for a paced slot with tokens left, all the slots (a lead must not queue
// behind the last lead's write); once a call must wait for its token, one, so the others wait in
// the batcher and fill rather than at the token.
// shortReadSlots says how many short routing batches may overlap (while each lead's own calls
// could go on at that arrival rate for ever). budgetedWrites and budgetedReads are the writer's and
// the router's whole scheduling, built here once for the worker (handlers.ts) and for
// bench:owner-latency-policy's simulation alike, so the simulation cannot drift from the service.
// Pure: the caller reads the budgets and the clock.
import type { CallBudget } from '../connector.js';

/** At or above this share of the window left, calls are plentiful: a batch goes at once. */
export const plentyShare = 0.5;

export interface BatchWaitInput {
  /** Items waiting for the next batch. */
  waiting: number;
  maxBatch: number;
  /** The API budgets of the CRMs the batch may call; the tightest decides. Empty: no CRM limit. */
  budgets: CallBudget[];
  /** Items that arrived per second lately. */
  arrivalsPerS?: number;
  /** A wait worth its latency for its own sake (one database transaction for many), when arrivals fill it. */
  gatherMs?: number;
  /** Never wait longer than this (WRITE_LINGER_MS / ROUTE_LINGER_MS); unset: no cap. */
  capMs?: number;
  /** Gather however many items wait (the policy before; bench:owner-latency-policy). */
  gatherUntilWaited?: boolean;
  /** Also wait out a paced limiter's spread (CallBudget.spreadInMs): the routing batches' record reads. */
  spread?: boolean;
}

/**
 * Whether a short batch gathers: arrivals come fast enough for the wait to add a lead, and it
 * would add at least half of what already waits. Leads that waited for a slot (the last routing
 * batch's record read, ~100 ms: ~20 leads at 200 leads/s) already share one transaction; 20 ms
 * more would add ~4 leads and 20 ms to every one of them. At 1,000 API leads/s, where ~20-30
 * wait for the last transaction, the gather still nearly doubles the batch (database CPU per lead).
 */
function gathers(waiting: number, arrivalsPerS: number, gatherMs: number, always = false): boolean {
  const worth = (arrivalsPerS * gatherMs) / 1000;
  return worth >= 1 && (always || worth * 2 > waiting);
}

export function batchWaitMs(input: BatchWaitInput): number {
  if (input.waiting >= input.maxBatch) return 0;
  let tokenWait = 0;
  let fill = 0;
  for (const b of input.budgets) {
    tokenWait = Math.max(tokenWait, b.nextCallInMs);
    fill = Math.max(fill, budgetWaitMs(b), input.spread ? (b.spreadInMs ?? 0) : 0);
  }
  if (input.gatherMs && gathers(input.waiting, input.arrivalsPerS ?? 0, input.gatherMs, input.gatherUntilWaited))
    fill = Math.max(fill, input.gatherMs);
  return Math.max(tokenWait, input.capMs === undefined ? fill : Math.min(fill, input.capMs));
}

/** Whether a CRM's calls are plentiful: its next call goes now, with at least half the window left. */
export function plentiful(b: CallBudget): boolean {
  return b.nextCallInMs === 0 && (b.limit > 0 ? b.remaining / b.limit : 0) >= plentyShare;
}

/**
 * Short write batches in flight at once (see the top of this file): every slot while each CRM's
 * next call goes now (a paced limiter, or a plentiful one), so a second owner write never queues
 * behind the first one's round trip and recording (~115 ms at 9 leads/s: a queue); also while a
 * paced limiter with tokens left holds it only for its pair slot (two intervals): at 200 leads/s
 * reads go every ~105 ms, and one slot held each write ~115 ms behind the last, so the writes
 * fell behind a period at a time (bench:owner-latency-policy --decide-ms 5: p99 365 ms, 278 with
 * every slot). One once a call must wait for its token (a reroute at the ceiling), so the batches
 * behind the one that waits fill to full instead of waiting at the token, short.
 */
export function shortBatchSlots(budgets: CallBudget[], max: number): number {
  return budgets.every(
    (b) =>
      (b.nextCallInMs === 0 && (b.paced || plentiful(b))) ||
      (b.paced && b.remaining > 0 && b.nextCallInMs <= 2 * b.callIntervalMs),
  )
    ? max
    : 1;
}

/** Whether `callsPerLead` calls per lead at `arrivalsPerS` fit every budget's sustained rate. */
function sustainable(budgets: CallBudget[], arrivalsPerS: number, callsPerLead: number): boolean {
  return budgets.every((b) => {
    // A limiter that paces itself holds calls to its rate past half its window, so the pace is the
    // test; one that does not (Salesforce when the day's allowance is the scarcer) must be plentiful.
    if (!b.paced && !plentiful(b)) return false;
    // The arrival rate is an estimate over the last two seconds: half a call a second of slack, so a
    // stream at exactly the sustained rate (10 leads/s against 1,200 calls a minute) is not judged
    // over it by the noise, while one just over it (10 leads/s against HubSpot's 19 calls a
    // second; 10% slack let it overlap, spend the window on one-lead reads and reach p99 ~700 ms
    // in `bench:owner-latency -- --rates 10,200`) is.
    return arrivalsPerS * callsPerLead <= 1000 / b.callIntervalMs + 0.5;
  });
}

/** The wait one CRM's allowance asks for (see the top of this file). */
export function budgetWaitMs(b: CallBudget): number {
  if (b.nextCallInMs > 0 || b.paced) return b.nextCallInMs;
  const share = b.limit > 0 ? b.remaining / b.limit : 0;
  if (share >= plentyShare) return 0;
  return Math.round(b.callIntervalMs * (1 - share / plentyShare));
}

/** How far back createArrivalRate looks, and the shortest span it divides by. */
const arrivalSpanMs = 2000;
const arrivalMinSpanMs = 1000;

/**
 * Arrivals per second over the last two seconds: the arrivals after the first one in that span,
 * over the time since the first (at least a second). A steady stream reads as its rate, or a little
 * under it between arrivals, never over it by the counting: shortReadSlots tells 9 leads/s (18
 * calls/s, under HubSpot's 19) from 10 by half a call a second, and the estimate before (two
 * one-second buckets, the older fading out) read 9/s as up to 10.5/s, one routing batch at a time
 * (bench:owner-latency-policy with the machine's jitter: p99 ~350 ms at 9 leads/s). A stream that
 * starts fast reads as fast within a few of its arrivals (the second), and gone two seconds after
 * its last.
 */
export function createArrivalRate(nowMs: () => number): { arrived(): void; perS(): number } {
  const times: number[] = [];
  let head = 0;
  const drop = (now: number) => {
    while (head < times.length && times[head]! <= now - arrivalSpanMs) head++;
    // Compact now and then so the log holds about two seconds of arrivals.
    if (head > 1024 && head * 2 > times.length) {
      times.splice(0, head);
      head = 0;
    }
  };
  return {
    arrived() {
      const now = nowMs();
      drop(now);
      times.push(now);
    },
    perS() {
      const now = nowMs();
      drop(now);
      const n = times.length - head;
      if (n < 2) return 0;
      return ((n - 1) * 1000) / Math.max(arrivalMinSpanMs, now - times[head]!);
    },
  };
}

/**
 * Short routing batches (each reads its records first) in flight at once: every slot while each
 * lead's own calls (a read and a write, `callsPerLead`) at the current arrival rate fit the
 * tightest CRM's sustained rate, so that pace could go on for ever; else one,
 * so reads go at most once per round trip plus transaction and the batch takes what arrived
 * meanwhile. One slot at 10 leads/s with a 100 ms read and a ~10 ms transaction is a queue
 * (110 ms of work every 100 ms: p99 270 ms in bench:owner-latency-policy where 170 would do);
 * every slot at 200 leads/s on a fresh HubSpot window spends its burst on one-lead reads (p99 2.6 s).
 */
export function shortReadSlots(budgets: CallBudget[], arrivalsPerS: number, max: number, callsPerLead = 2): number {
  return sustainable(budgets, arrivalsPerS, callsPerLead) ? max : 1;
}

/** What a group-commit batcher is told by a batching policy: sizes, overlap, and how long to wait. */
export interface BatchScheduling {
  maxBatch: number;
  maxConcurrent: number;
  maxConcurrentShort: () => number;
  lingerMs: (waiting: number) => number;
}

/**
 * The write-back batcher's scheduling (handlers.ts; bench:owner-latency-policy runs the same):
 * how long a short batch waits, and how many short batches may be out, both from the budgets
 * read at that moment. Plentiful: a batch goes on the next turn, beside the ones in flight. At
 * the ceiling: one batch waits for the next token and the rest fill behind it, so every call
 * that goes is as full as what arrived meanwhile.
 */
export function budgetedWrites(opts: {
  maxBatch: number;
  maxConcurrent: number;
  budgets: () => CallBudget[];
  capMs?: number | undefined;
}): BatchScheduling {
  return {
    maxBatch: opts.maxBatch,
    maxConcurrent: opts.maxConcurrent,
    maxConcurrentShort: () => shortBatchSlots(opts.budgets(), opts.maxConcurrent),
    lingerMs: (waiting) =>
      batchWaitMs({
        waiting,
        maxBatch: opts.maxBatch,
        budgets: opts.budgets(),
        ...(opts.capMs !== undefined && { capMs: opts.capMs }),
      }),
  };
}

/**
 * The routing batcher's scheduling (handlers.ts; bench:owner-latency-policy runs the same). Each
 * routing batch reads its records first, so its waits follow the CRMs' budgets as the writer's
 * do; short batches overlap only while each lead's own calls fit the sustained rate
 * (shortReadSlots), else one at a time, taking what arrived meanwhile; and a batch gathers
 * `gatherMs` for one transaction when arrivals come fast enough to fill it.
 */
export function budgetedReads(opts: {
  maxBatch: number;
  maxConcurrent: number;
  budgets: () => CallBudget[];
  /** Routing arrivals per second lately (createArrivalRate). */
  arrivalsPerS: () => number;
  gatherMs: number;
  capMs?: number | undefined;
  /** CRM calls a lead costs on its own: a read and a write. */
  callsPerLead?: number;
}): BatchScheduling {
  return {
    maxBatch: opts.maxBatch,
    maxConcurrent: opts.maxConcurrent,
    maxConcurrentShort: () =>
      shortReadSlots(opts.budgets(), opts.arrivalsPerS(), opts.maxConcurrent, opts.callsPerLead),
    lingerMs: (waiting) =>
      batchWaitMs({
        waiting,
        maxBatch: opts.maxBatch,
        budgets: opts.budgets(),
        arrivalsPerS: opts.arrivalsPerS(),
        gatherMs: opts.gatherMs,
        spread: true,
        ...(opts.capMs !== undefined && { capMs: opts.capMs }),
      }),
  };
}

/** The worker's batching limits. Batch sizes: HubSpot takes 100 records per batch call, Salesforce 200; a routing batch is one transaction. */
export interface BatchLimits {
  routeBatch: number;
  writeBatch: number;
  /** Write batches in flight at once per process (CRM calls overlap). */
  concurrentBatches: number;
  /**
   * Full routing batches in flight at once per process (short ones: one at a time). At the
   * CRM's ceiling batches are full, and a second one reads its records during the first one's
   * transaction, so reads keep pace with the budget (bench:owner-latency-policy: burst 0.96 ->
   * 0.997 of the ceiling). Short batches one at a time: each read takes a round trip, so reads
   * go at most once per round trip while the budget looks plentiful, and do not spend half the
   * window on tiny batches in the first second of a 200 leads/s run (p99 4 s, then).
   */
  concurrentRouteBatches: number;
  /** Most a short write batch waits to fill (batch-wait.ts decides from the CRM's budget); unset: no cap. */
  writeLingerMs?: number;
  /** Most a short routing batch waits to fill; unset: no cap. */
  routeLingerMs?: number;
  /** How long a routing batch gathers for one transaction when leads arrive fast enough to fill it. */
  routeGatherMs: number;
}

/**
 * The limits the worker runs with (runtime.ts; bench:owner-latency-policy simulates the same).
 * Embedded (PGlite, one connection on this thread): routing batches one at a time, as before
 * (overlapping routing transactions there are untested), and a longer gather.
 */
export function workerBatchLimits(opts: {
  routeBatch: number;
  writeBatch: number;
  writeLingerMs?: number | undefined;
  routeLingerMs?: number | undefined;
  embedded: boolean;
}): BatchLimits {
  return {
    routeBatch: opts.routeBatch,
    writeBatch: opts.writeBatch,
    concurrentBatches: 4,
    concurrentRouteBatches: opts.embedded ? 1 : 4,
    ...(opts.writeLingerMs !== undefined && { writeLingerMs: opts.writeLingerMs }),
    ...(opts.routeLingerMs !== undefined && { routeLingerMs: opts.routeLingerMs }),
    routeGatherMs: opts.routeLingerMs ?? (opts.embedded ? 50 : 20),
  };
}

/** The writer's and the router's batcher options from the limits, the CRMs' budgets and the routing arrivals. */
export function batchingPolicy(limits: BatchLimits, budgets: () => CallBudget[], arrivalsPerS: () => number) {
  return {
    writer: budgetedWrites({
      maxBatch: limits.writeBatch,
      maxConcurrent: limits.concurrentBatches,
      budgets,
      capMs: limits.writeLingerMs,
    }),
    router: budgetedReads({
      maxBatch: limits.routeBatch,
      maxConcurrent: limits.concurrentRouteBatches,
      budgets,
      arrivalsPerS,
      gatherMs: limits.routeGatherMs,
      capMs: limits.routeLingerMs,
    }),
  };
}
