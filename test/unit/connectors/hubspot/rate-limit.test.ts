import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../../../connectors/hubspot/rate-limit.js';
import { fakeClock, t0 } from './support.js';

describe('TokenBucket (per-portal rate limit, injected clock)', () => {
  it('a background call (the account mirror) waits behind owner writes and leaves them a reserve', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ requests: 10, windowMs: 1_000, clock, burst: 10, reserve: 2 });
    for (let i = 0; i < 8; i++) await bucket.acquire();
    const order: string[] = [];
    // Asked first, but only the reserve is left: the write that comes after goes first.
    const mirror = bucket.acquire({ background: true }).then(() => order.push('mirror'));
    const write = bucket.acquire().then(() => order.push('write'));
    await Promise.all([mirror, write]);
    expect(order).toEqual(['write', 'mirror']);
    // The mirror call went once the window gave tokens back, not before.
    expect(clock.now() - t0).toBeGreaterThanOrEqual(1_000);
  });

  it.each([
    { leadsPerS: 9, mirrorGoes: false },
    { leadsPerS: 1, mirrorGoes: true },
  ])(
    'from a full window, the mirror yields to a stream whose pace will need the window ($leadsPerS leads/s: goes $mirrorGoes)',
    async ({ leadsPerS, mirrorGoes }) => {
      const clock = fakeClock();
      const bucket = new TokenBucket({ requests: 190, windowMs: 10_000, clock, pacedTogether: 2 });
      // Each lead a read and, 110 ms later, its owner write; asked after each call, past the first
      // second: may a background call (the people mirror's contact read) go now?
      const answers: boolean[] = [];
      for (let lead = 0; lead < leadsPerS * 10; lead++) {
        for (const at of [0, 110]) {
          clock.advance(t0 + Math.round((lead * 1000) / leadsPerS) + at - clock.now());
          await bucket.acquire();
          if (clock.now() - t0 >= 1000) answers.push(bucket.backgroundMayGo());
        }
      }
      // 9 leads/s spends 180 of 190: a token the mirror took would be one the last leads wait for.
      expect(answers.length).toBeGreaterThan(0);
      expect(new Set(answers)).toEqual(new Set([mirrorGoes]));
      expect(clock.slept).toEqual([]);
    },
  );

  it('with burst = requests, lets a full window through at once, then each token returns one window after it was spent', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ requests: 10, windowMs: 1_000, clock, burst: 10 });
    for (let i = 0; i < 10; i++) await bucket.acquire();
    expect(clock.slept).toEqual([]);
    await bucket.acquire();
    expect(clock.slept).toEqual([1_000]);
  });

  it.each([1, 2])(
    'never lets more than `requests` through in any window (paced %i together)',
    async (pacedTogether) => {
      const clock = fakeClock();
      const bucket = new TokenBucket({ requests: 190, windowMs: 10_000, clock, pacedTogether });
      const times: number[] = [];
      for (let i = 0; i < 1_000; i++) {
        await bucket.acquire();
        times.push(clock.now());
      }
      // HubSpot's window is rolling: request i and request i-190 must be a full window apart.
      for (let i = 190; i < times.length; i++) expect(times[i]! - times[i - 190]!).toBeGreaterThanOrEqual(10_000);
      // ...and it is not needlessly slow: paced at 190 per 10 s (52.6 ms apart, whole ms), 1,000
      // requests take about 1000 / 19 s.
      expect(clock.now() - times[0]!).toBeLessThanOrEqual(53_500);
    },
  );

  it('after a burst of half the window, paces requests one per window/requests instead of spending the window at once', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ requests: 190, windowMs: 10_000, clock });
    const times: number[] = [];
    for (let i = 0; i < 135; i++) {
      await bucket.acquire();
      times.push(clock.now());
    }
    // The first 95 (half) go at once; from then on at least 10_000 / 190 ms apart.
    expect(times.slice(0, 95).every((t) => t === times[0])).toBe(true);
    for (let i = 96; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(10_000 / 190);
    expect(times[134]! - times[0]!).toBeLessThan(41 * 54);
  });

  it('paced in pairs (pacedTogether 2): a read and a write share a slot pair; same rate, same window', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ requests: 190, windowMs: 10_000, clock, pacedTogether: 2 });
    const times: number[] = [];
    // 134: the last call is the first of a pair (95 + 2 * 19 + 1).
    for (let i = 0; i < 134; i++) {
      await bucket.acquire();
      times.push(clock.now());
    }
    // Past the burst, two calls may go together, and each is two intervals after the one two back...
    expect(times[96]! - times[95]!).toBe(0);
    for (let i = 97; i < times.length; i++) expect(times[i]! - times[i - 2]!).toBeGreaterThanOrEqual(20_000 / 190);
    // ...so the rate is the same as one by one: 39 calls after the burst in 20 pair slots.
    expect(times[133]! - times[95]!).toBeLessThan(20 * 106);
    // At the ceiling: a read at T (times[133]), the next batch's read at T + 106, and the first
    // read's owner write ready at T + 110 (a round trip + the routing transaction) goes at once...
    clock.advance(106);
    await bucket.acquire();
    clock.advance(4);
    expect(bucket.budget().nextCallInMs).toBe(0);
    // ...where one by one it would wait for the slot an interval after the second read (~49 ms).
    const single = new TokenBucket({ requests: 190, windowMs: 10_000, clock: fakeClock() });
    for (let i = 0; i < 96; i++) await single.acquire();
    expect(single.budget().nextCallInMs).toBeGreaterThan(45);
  });

  it('past half the window, a steady stream under the pace (9 leads/s: 18 of 19 calls/s) never waits, nor goes over the window', async () => {
    // As the connector runs it: paced in pairs, each token settled when its answer comes (100 ms).
    const clock = fakeClock();
    const bucket = new TokenBucket({ requests: 190, windowMs: 10_000, clock, pacedTogether: 2 });
    // Each lead a record read and, a round trip + the routing transaction later (110-129 ms), its
    // owner write; leads 111 ms apart, each up to 29 ms late (the machine's jitter, fixed pattern).
    const calls: number[] = [];
    for (let lead = 0; lead < 540; lead++) {
      const read = t0 + lead * 111 + ((lead * 37) % 30);
      calls.push(read, read + 110 + ((lead * 13) % 20));
    }
    calls.sort((a, b) => a - b);
    const answers: { at: number; spentAt: number }[] = [];
    const spentTimes: number[] = [];
    for (const at of calls) {
      // Answers that came before this call, in order (answers is sorted by `at`).
      while (answers.length > 0 && answers[0]!.at <= at) {
        const a = answers.shift()!;
        clock.advance(a.at - clock.now());
        bucket.settle(a.spentAt);
      }
      clock.advance(at - clock.now());
      const spentAt = await bucket.acquire();
      spentTimes.push(spentAt);
      answers.push({ at: spentAt + 100, spentAt });
      answers.sort((a, b) => a.at - b.at);
    }
    // 60 s at 18 calls/s: the window sat above half from ~5 s on, and no call waited.
    expect(clock.slept).toEqual([]);
    expect(spentTimes).toEqual(calls);
    for (let i = 190; i < spentTimes.length; i++)
      expect(spentTimes[i]! - spentTimes[i - 190]!).toBeGreaterThanOrEqual(10_000);
  });

  it('past half the window, a stream that ran under the pace spends at most `paceSlack` stored slots at once, then is paced', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ requests: 190, windowMs: 10_000, clock, pacedTogether: 2, paceSlack: 4 });
    // 100 calls 60 ms apart (slower than the pace, 52.6 ms): past half the window, the pacer idle.
    for (let i = 0; i < 100; i++) {
      await bucket.acquire();
      clock.advance(60);
    }
    expect(clock.slept).toEqual([]);
    // Then a burst of 40 at once: the 4 stored slots go now (paired, only 2 would)...
    const start = clock.now();
    const times: number[] = [];
    for (let i = 0; i < 40; i++) times.push((await bucket.acquire()) - start);
    expect(times.slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(times[4]).toBeGreaterThan(0);
    // ...and the rest go at the pace: one per 10_000 / 190 ms on average, the window never over.
    for (let i = 6; i < times.length; i++) expect(times[i]! - times[i - 2]!).toBeGreaterThanOrEqual(20_000 / 190 - 1);
    expect(times[39]!).toBeGreaterThanOrEqual((36 * 10_000) / 190 - 1);
    expect(bucket.available()).toBeGreaterThan(0);
  });

  it('no slack while the window was spent faster than the pace, by other processes too (X-HubSpot-RateLimit-Remaining)', async () => {
    // Other workers on the portal spent 130 of the 190 just now (the header says 60 remain); our
    // own pacer is idle. A stream of 15 calls/s in lumps of 3 every 200 ms is paced in pairs as
    // before (the third of a lump waits): the tokens left do not cover the pace until the next
    // one returns, so slack would only spend the window sooner.
    const run = async (paceSlack: number) => {
      const clock = fakeClock();
      const bucket = new TokenBucket({ requests: 190, windowMs: 10_000, clock, pacedTogether: 2, paceSlack });
      bucket.observe({ 'x-hubspot-ratelimit-remaining': '60' });
      const times: number[] = [];
      for (let lump = 0; lump < 10; lump++) {
        clock.advance(Math.max(0, t0 + lump * 200 - clock.now()));
        for (let i = 0; i < 3; i++) times.push((await bucket.acquire()) - t0);
      }
      return times;
    };
    const withSlack = await run(4);
    expect(withSlack).toEqual(await run(0));
    expect(withSlack[2]).toBeGreaterThan(0);
  });

  it('budget(): plenty at first; then how long the next call waits for pacing, a full window or a pause', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ requests: 10, windowMs: 1_000, clock, burst: 5 });
    expect(bucket.budget()).toEqual({
      remaining: 10,
      limit: 10,
      nextCallInMs: 0,
      callIntervalMs: 100,
      paced: true,
      spreadInMs: 0,
    });
    for (let i = 0; i < 5; i++) await bucket.acquire();
    // Past the burst: the next call is paced one interval after the last.
    expect(bucket.budget()).toMatchObject({ remaining: 5, nextCallInMs: 100 });
    for (let i = 0; i < 5; i++) await bucket.acquire();
    // Window full: the oldest token returns one window after it was spent.
    expect(bucket.budget()).toMatchObject({ remaining: 0, nextCallInMs: 1_000 - (clock.now() - t0) });
    clock.advance(1_000);
    bucket.pauseFor(300);
    expect(bucket.budget()).toMatchObject({ nextCallInMs: 300 });
  });

  it('budget().spreadInMs: past the burst, how long a call that may wait holds so the calls left last until the first token returns', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ requests: 10, windowMs: 1_000, clock, burst: 5 });
    for (let i = 0; i < 4; i++) await bucket.acquire();
    expect(bucket.budget().spreadInMs).toBe(0);
    await bucket.acquire();
    // 5 calls left for the 1,000 ms until the first token returns: one per 200 ms, not the pace's 100.
    expect(bucket.budget()).toMatchObject({ nextCallInMs: 100, spreadInMs: 200 });
    // 150 ms on: 5 left for 850 ms, one per 170 ms, so the next 20 ms from now.
    clock.advance(150);
    expect(bucket.budget()).toMatchObject({ nextCallInMs: 0, spreadInMs: 20 });
    // 5 left for 500 ms: the pace itself gets there.
    clock.advance(350);
    expect(bucket.budget()).toMatchObject({ nextCallInMs: 0, spreadInMs: 0 });
  });

  it('serves concurrent callers in arrival order', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ requests: 1, windowMs: 1_000, clock });
    const order: number[] = [];
    await Promise.all([1, 2, 3].map((n) => bucket.acquire().then(() => order.push(n))));
    expect(order).toEqual([1, 2, 3]);
    expect(clock.slept).toEqual([1_000, 1_000]);
  });

  it('pauseFor (429 Retry-After, 5xx backoff) holds every caller, and nothing accrues meanwhile', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ requests: 10, windowMs: 1_000, clock });
    bucket.pauseFor(3_000);
    const start = clock.now();
    await bucket.acquire();
    expect(clock.now() - start).toBe(3_000);
  });

  it("takes the server's X-HubSpot-RateLimit-Remaining when it is lower than ours", async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ requests: 100, windowMs: 10_000, clock });
    bucket.observe({ 'x-hubspot-ratelimit-remaining': '2' });
    expect(bucket.available()).toBe(2);
    bucket.observe({ 'x-hubspot-ratelimit-remaining': '50' });
    expect(bucket.available()).toBe(2);
  });

  it("slows down to the server's Max / Interval-Milliseconds, never speeds up", () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ requests: 190, windowMs: 10_000, clock });
    bucket.observe({ 'x-hubspot-ratelimit-max': '110', 'x-hubspot-ratelimit-interval-milliseconds': '10000' });
    expect(bucket.available()).toBe(110);
    bucket.observe({ 'x-hubspot-ratelimit-max': '1000', 'x-hubspot-ratelimit-interval-milliseconds': '1000' });
    expect(bucket.available()).toBe(110);
  });

  it('gives back tokens the server said were spent once the window has passed', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ requests: 100, windowMs: 10_000, clock });
    bucket.observe({ 'x-hubspot-ratelimit-remaining': '0' });
    expect(bucket.available()).toBe(0);
    clock.advance(10_000);
    expect(bucket.available()).toBe(100);
  });
});
