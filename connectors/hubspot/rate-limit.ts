// Client-side rate limit for one HubSpot portal. HubSpot counts requests per app per portal in a
// ROLLING window (private apps: 190-200 per 10 s, plus a daily cap), and 429s count too, so we
// pace ourselves instead of bursting into 429s.
// It is a token bucket whose tokens come back exactly windowMs after they were spent (a sliding
// window log), not one that refills at a steady rate: a steady-rate bucket lets a full burst plus
// a window's refill through inside one rolling window, i.e. up to 2x HubSpot's limit.
// - Callers wait for a token (FIFO) instead of failing; waits use the injected clock/sleep.
// - X-HubSpot-RateLimit-Remaining / -Secondly-Remaining lower our count when the server knows
//   better (other processes or apps share the portal); -Max / -Interval-Milliseconds can only
//   slow us down, never speed us past the configured rate.
// - pauseFor() stops all callers for a while: after a 429 (Retry-After) or a 5xx (backoff).
// - Past a burst of half the window, requests are paced one per windowMs/requests. Spending the
//   whole window at once and then waiting ~10 s makes every lead behind the burst wait 10 s, and
//   the batches sent during the burst are tiny; paced, batches fill between slots (bench: owners/s
//   doubled). Below half, calls go at once: a lead at 10/s (a read and a write each) must not wait
//   for a pacing slot while most of the window is unused; the write-back and routing batchers
//   (src/pipeline/batch-wait.ts) read budget() and let batches fill as the window runs down.
// - Pacing can go in groups (`pacedTogether`): a call may go `pacedTogether` intervals after the
//   call that many calls back, not one interval after the last. A lead costs a record read and,
//   one round trip + the routing transaction later, an owner write: paced one by one, the write
//   waits ~half an interval for its own slot behind the read that took the one before; paced in
//   pairs, a read and a write share a slot pair, so at the ceiling the write of one batch goes
//   with the read of the next (bench:owner-latency at 200 leads/s). Same rate, same window.
// - Past the burst, a call also goes at once while it fits a pacer with slack (`paceSlack` calls):
//   a token-rate pacer at windowMs/requests per call that stores up to `paceSlack` unused slots. A
//   steady stream under the limit (9 leads/s: 18 of 19 calls/s) keeps the window above half, and
//   paced in pairs a read whose pair slot the last lead's write had taken waited up to ~105 ms
//   (bench:owner-latency p99 379 ms at 9 leads/s); with the slack its calls go when they come,
//   as long as they come no faster than the pace on average. A burst is paced as before: every
//   call spends a slot of the pacer, so once the stream outruns the pace the slack is gone within
//   `paceSlack` calls and only the pair rule lets calls through. And only while the window as a
//   whole was spent slower than the pace (#slackCovered), so a window a burst or another process
//   spent is paced in pairs as before. Same rate, same window.
// - Past the burst, budget() also says how long a call that may wait (a short routing batch's
//   record read) should hold so the calls left, spaced evenly, last until the window's first token
//   returns (`spreadInMs`, #spreadAt). It is advice, not a gate: owner writes, which follow their
//   reads one round trip later, are not held by it. Same rate, same window.
// - Background callers (the account mirror's sync) yield: they take a token only while no
//   foreground caller (owner write-back, record reads) waits and the tokens left after it cover
//   `reserve` plus what the foreground, at its pace so far in this window, will still spend
//   before the window's tokens return (backgroundMayGo), so a million-account load never delays
//   a lead's owner write by more than one call. The pace counts because a window starts full: at
//   9 leads/s (18 of 19 calls/s) the mirror's contact reads took 7 calls in the first seconds,
//   while plenty seemed left, and the leads at the window's end waited for pair slots (bench:
//   owner-latency p99 375 ms at 9 leads/s, where 180 calls alone fit the window).

import type { CallBudget } from '../../src/connector.js';

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface TokenBucketOptions {
  requests: number;
  windowMs: number;
  clock: Clock;
  /** Requests that may go back to back before pacing starts; default half of `requests`. */
  burst?: number;
  /** Tokens background callers leave to foreground ones; default a fifth of `requests`. */
  reserve?: number;
  /** Past the burst, calls paced per group of this many (see the top of this file); default 1. */
  pacedTogether?: number;
  /** Past the burst, pace slots a stream below the pace may store and spend at once; default 4 (0: none). */
  paceSlack?: number;
}

export class TokenBucket {
  #capacity: number;
  #windowMs: number;
  /** When each token in use was spent, oldest first; it returns at spentAt + windowMs. */
  #spent: number[] = [];
  #pausedUntil = 0;
  /** The last `pacedTogether` spend times, oldest first (pacing counts from the oldest). */
  #lastTakes: number[] = [];
  /**
   * The pacer's next free slot (epoch ms): each spend moves it one interval past max(itself, now),
   * so it runs ahead of the clock by the calls spent faster than the pace; a call fits the pacer
   * while it runs less than `paceSlack` intervals ahead (from idle, `paceSlack` calls at once).
   */
  #paceAt = -Infinity;
  #turn: Promise<void> = Promise.resolve();
  /** Callers waiting for a token (each will spend one before a new caller can). */
  #queued = 0;
  readonly #clock: Clock;
  readonly #burst: number;
  readonly #reserve: number;
  readonly #pacedTogether: number;
  readonly #paceSlack: number;
  #foregroundWaiting = 0;
  /** When each foreground token in the window was spent, oldest first (the foreground's pace). */
  #foregroundSpent: number[] = [];

  constructor(opts: TokenBucketOptions) {
    this.#clock = opts.clock;
    this.#capacity = opts.requests;
    this.#windowMs = opts.windowMs;
    this.#burst = opts.burst ?? Math.max(1, Math.floor(opts.requests / 2));
    this.#reserve = opts.reserve ?? Math.floor(opts.requests / 5);
    this.#pacedTogether = Math.max(1, Math.floor(opts.pacedTogether ?? 1));
    this.#paceSlack = Math.max(0, Math.floor(opts.paceSlack ?? 4));
  }

  /**
   * Resolves when the caller may send one request, with the token's spend time. Foreground callers
   * are served in arrival order; a background caller first waits until no foreground caller waits
   * and more than the reserve is left (then queues like anyone else: at most one call ahead of a
   * write that arrives just after).
   */
  async acquire(opts: { background?: boolean } = {}): Promise<number> {
    if (!opts.background) {
      this.#foregroundWaiting++;
      try {
        return await this.#enqueue(true);
      } finally {
        this.#foregroundWaiting--;
      }
    }
    for (;;) {
      if (this.#foregroundWaiting === 0 && this.backgroundMayGo() && this.#clock.now() >= this.#pausedUntil)
        return this.#enqueue(false);
      await this.#clock.sleep(Math.max(1, Math.ceil(this.#windowMs / this.#capacity)));
    }
  }

  #enqueue(foreground: boolean): Promise<number> {
    this.#queued++;
    const mine = this.#turn.then(() => this.#take(foreground)).finally(() => this.#queued--);
    this.#turn = mine.then(
      () => undefined,
      () => undefined,
    );
    return mine;
  }

  /**
   * The request sent with the token spent at `spentAt` got its answer: the token now returns
   * windowMs after this moment. HubSpot counts a request when it arrives, which is after we sent
   * it, so a token stamped at send time came back a few ms before HubSpot's window let the
   * request go, and the next one got a 429 (seen end to end against the stand-in).
   */
  settle(spentAt: number): void {
    const i = this.#spent.indexOf(spentAt);
    if (i === -1) return; // already returned: the request took longer than a window
    this.#spent.splice(i, 1);
    // now >= every stamp in the list, so appending keeps it oldest first.
    this.#spent.push(this.#clock.now());
  }

  /** Stop every caller until now + ms (never shortens an existing pause). */
  pauseFor(ms: number): void {
    const until = this.#clock.now() + Math.max(0, ms);
    if (until > this.#pausedUntil) this.#pausedUntil = until;
  }

  /** Learn from HubSpot's X-HubSpot-RateLimit-* response headers (names lower-cased). */
  observe(headers: Record<string, string | undefined>): void {
    const max = num(headers['x-hubspot-ratelimit-max']);
    const intervalMs = num(headers['x-hubspot-ratelimit-interval-milliseconds']);
    if (
      max !== undefined &&
      max > 0 &&
      intervalMs !== undefined &&
      intervalMs > 0 &&
      max / intervalMs < this.#capacity / this.#windowMs
    ) {
      this.#capacity = Math.min(this.#capacity, max);
      this.#windowMs = Math.max(this.#windowMs, intervalMs);
    }
    const remaining = [
      num(headers['x-hubspot-ratelimit-remaining']),
      num(headers['x-hubspot-ratelimit-secondly-remaining']),
    ].filter((n): n is number => n !== undefined);
    if (remaining.length === 0) return;
    // Spend the difference now, as if we had sent those requests ourselves.
    const now = this.#clock.now();
    for (let extra = this.available() - Math.min(...remaining); extra > 0; extra--) this.#spent.push(now);
  }

  /**
   * What is left of the window now, and how long a call started now would wait for its token
   * (a pause, pacing, a full window, callers ahead of it): the batchers' input.
   */
  budget(): CallBudget {
    const now = this.#clock.now();
    this.#expire(now);
    const intervalMs = this.#windowMs / this.#capacity;
    const inUse = this.#spent.length;
    let readyAt = this.#readyAt(now);
    // Each caller already waiting takes a slot first.
    readyAt += this.#queued * (inUse + this.#queued >= this.#burst ? intervalMs : 0);
    return {
      remaining: Math.max(0, this.#capacity - inUse),
      limit: this.#capacity,
      nextCallInMs: Math.max(0, Math.ceil(readyAt - now)),
      callIntervalMs: intervalMs,
      paced: this.#burst < this.#capacity,
      spreadInMs: Math.max(0, Math.ceil(this.#spreadAt(now, intervalMs) - now)),
    };
  }

  /** Tokens available now (for tests and metrics). */
  available(): number {
    this.#expire(this.#clock.now());
    return Math.max(0, this.#capacity - this.#spent.length);
  }

  /**
   * Whether a background call may take a token now (see the top of this file): after it, the tokens
   * left cover the reserve and the foreground's further spend until the window's tokens return, at
   * the pace it has spent so far in the window (counted over at least a second, so the first
   * call of a window does not read as a stream).
   */
  backgroundMayGo(): boolean {
    const now = this.#clock.now();
    this.#expire(now);
    const spent = this.#foregroundSpent.length;
    const since = spent > 0 ? Math.max(1000, now - this.#foregroundSpent[0]!) : 1000;
    const foregroundMore = Math.max(0, Math.ceil((spent * this.#windowMs) / since) - spent);
    return this.#capacity - this.#spent.length - 1 >= this.#reserve + foregroundMore;
  }

  async #take(foreground: boolean): Promise<number> {
    for (;;) {
      const now = this.#clock.now();
      this.#expire(now);
      const at = this.#readyAt(now);
      if (at <= now) {
        this.#spent.push(now);
        if (foreground) this.#foregroundSpent.push(now);
        this.#paceAt = Math.max(this.#paceAt, now) + this.#windowMs / this.#capacity;
        this.#lastTakes.push(now);
        if (this.#lastTakes.length > this.#pacedTogether) this.#lastTakes.shift();
        return now;
      }
      await this.#clock.sleep(Math.max(1, Math.ceil(at - now)));
    }
  }

  /**
   * When the next token may be spent (tokens expired up to `now`): after a pause, a full window's
   * oldest token, or pacing: the pair slot or the pacer's slack, whichever comes first.
   */
  #readyAt(now: number): number {
    const inUse = this.#spent.length;
    const at = Math.max(now, this.#pausedUntil);
    if (inUse >= this.#capacity) return Math.max(at, this.#spent[inUse - this.#capacity]! + this.#windowMs);
    if (inUse >= this.#burst && this.#lastTakes.length === this.#pacedTogether) {
      const intervalMs = this.#windowMs / this.#capacity;
      const paired = this.#lastTakes[0]! + this.#pacedTogether * intervalMs;
      const slack = this.#slackCovered(now, intervalMs) ? this.#paceAt - (this.#paceSlack - 1) * intervalMs : Infinity;
      return Math.max(at, Math.min(paired, slack));
    }
    return at;
  }

  /**
   * Whether the window has been spent slower than the pace: the tokens left after one more call
   * still cover the calls the pace would make until the next token returns. A stream under the
   * limit gains about a call of margin per second it runs under the pace (9 leads/s: 18 of 19),
   * so its calls may use the slack; a window spent faster (a burst, 10 leads/s, other processes
   * on the portal as the Remaining header tells) gives none: paced in pairs as before, and the
   * batches fill. The pacer alone forgets what was spent before it last went idle; this does not.
   */
  #slackCovered(now: number, intervalMs: number): boolean {
    if (this.#paceSlack === 0) return false;
    const left = this.#capacity - this.#spent.length;
    const nextReturn = this.#spent.length > 0 ? this.#spent[0]! + this.#windowMs : now;
    return left - 1 >= Math.floor((nextReturn - now) / intervalMs);
  }

  /**
   * When a call that may wait should go so the tokens left last, spaced evenly, until the window's
   * first token returns (budget().spreadInMs). A stream just under the pace plus the handful of
   * one-lead calls it makes as it starts needs a few calls more than the first window holds: at
   * 200 leads/s with a 6 ms routing transaction, reads and writes every 106 ms (18.9 a second)
   * plus 8 such calls needed ~197 of 190, and the leads of the window's last ~0.35 s waited for
   * tokens to come back (bench:owner-latency-policy p99 550 ms). Spread, each read waits a few ms
   * and every batch takes a lead or two more. Past the burst only, like the pacing: below it calls
   * are plentiful.
   */
  #spreadAt(now: number, intervalMs: number): number {
    const inUse = this.#spent.length;
    const left = this.#capacity - inUse;
    if (inUse < this.#burst || left <= 0 || this.#lastTakes.length < this.#pacedTogether) return now;
    const spreadMs = (this.#spent[0]! + this.#windowMs - now) / left;
    return spreadMs <= intervalMs ? now : this.#lastTakes[0]! + this.#pacedTogether * spreadMs;
  }

  #expire(now: number): void {
    while (this.#spent.length > 0 && this.#spent[0]! + this.#windowMs <= now) this.#spent.shift();
    while (this.#foregroundSpent.length > 0 && this.#foregroundSpent[0]! + this.#windowMs <= now)
      this.#foregroundSpent.shift();
  }
}

function num(v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}
