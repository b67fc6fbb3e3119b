import { describe, expect, it } from 'vitest';
import type { CallBudget } from '../../../src/connector.js';
import {
  batchWaitMs,
  budgetWaitMs,
  createArrivalRate,
  shortBatchSlots,
  shortReadSlots,
} from '../../../src/pipeline/batch-wait.js';

// HubSpot's private-app window: 190 calls per rolling 10 s, one call per ~52.6 ms sustained.
const hubspot = (remaining: number, nextCallInMs = 0): CallBudget => ({
  remaining,
  limit: 190,
  nextCallInMs,
  callIntervalMs: 10_000 / 190,
});

describe('batchWaitMs (adaptive CRM batching)', () => {
  it('budget plenty: a single lead goes at once', () => {
    expect(batchWaitMs({ waiting: 1, maxBatch: 100, budgets: [hubspot(190)] })).toBe(0);
    expect(batchWaitMs({ waiting: 1, maxBatch: 100, budgets: [hubspot(95)] })).toBe(0);
  });

  it('budget tight: the batch fills for longer as the window runs down, never past one call interval', () => {
    const waits = [90, 60, 30, 1].map((left) => batchWaitMs({ waiting: 1, maxBatch: 100, budgets: [hubspot(left)] }));
    expect(waits[0]).toBeGreaterThan(0);
    for (let i = 1; i < waits.length; i++) expect(waits[i]).toBeGreaterThan(waits[i - 1]!);
    expect(waits[3]).toBeLessThanOrEqual(Math.ceil(10_000 / 190));
  });

  it('at the ceiling: waits as long as the call would wait for its token anyway, so the batch goes full', () => {
    expect(batchWaitMs({ waiting: 7, maxBatch: 100, budgets: [hubspot(0, 480)] })).toBe(480);
    // ...and a batch that is already full goes now.
    expect(batchWaitMs({ waiting: 100, maxBatch: 100, budgets: [hubspot(0, 480)] })).toBe(0);
  });

  it('a limiter that paces itself (HubSpot): its pacing wait is the wait, nothing on top of a free slot', () => {
    const paced = (remaining: number, nextCallInMs: number): CallBudget => ({
      ...hubspot(remaining, nextCallInMs),
      paced: true,
    });
    expect(batchWaitMs({ waiting: 1, maxBatch: 100, budgets: [paced(3, 0)] })).toBe(0);
    expect(batchWaitMs({ waiting: 1, maxBatch: 100, budgets: [paced(3, 45)] })).toBe(45);
    // Unpaced, the same budget holds a short batch back up to an interval.
    expect(batchWaitMs({ waiting: 1, maxBatch: 100, budgets: [hubspot(3, 0)] })).toBeGreaterThan(45);
  });

  it('the tightest CRM decides; no CRM limit means no wait', () => {
    const salesforce: CallBudget = { remaining: 600, limit: 600, nextCallInMs: 0, callIntervalMs: 100 };
    expect(batchWaitMs({ waiting: 1, maxBatch: 100, budgets: [salesforce, hubspot(0, 40)] })).toBe(40);
    expect(batchWaitMs({ waiting: 1, maxBatch: 100, budgets: [] })).toBe(0);
  });

  it('WRITE_LINGER_MS / ROUTE_LINGER_MS cap the fill wait; 0 turns it off', () => {
    expect(batchWaitMs({ waiting: 1, maxBatch: 100, budgets: [hubspot(3)], capMs: 10 })).toBe(10);
    expect(batchWaitMs({ waiting: 1, maxBatch: 100, budgets: [hubspot(3)], capMs: 0 })).toBe(0);
  });

  it('no cap cuts the wait for the next token: the call would wait it anyway, with its batch already cut', () => {
    expect(batchWaitMs({ waiting: 1, maxBatch: 100, budgets: [hubspot(0, 480)], capMs: 0 })).toBe(480);
    expect(batchWaitMs({ waiting: 1, maxBatch: 100, budgets: [hubspot(0, 480)], capMs: 100 })).toBe(480);
  });

  it('gathers for one transaction only when arrivals would fill the gather window', () => {
    const at = (arrivalsPerS: number) =>
      batchWaitMs({ waiting: 1, maxBatch: 50, budgets: [], arrivalsPerS, gatherMs: 20 });
    expect(at(10)).toBe(0); // one lead per 100 ms: waiting 20 ms gathers nothing
    expect(at(1000)).toBe(20);
  });

  it('does not gather when it would add less than half of what already waits (leads that waited for the last batch)', () => {
    const at = (waiting: number) =>
      batchWaitMs({ waiting, maxBatch: 100, budgets: [], arrivalsPerS: 200, gatherMs: 20 });
    // 200 leads/s: a 20 ms gather brings 4 leads.
    expect(at(3)).toBe(20);
    expect(at(7)).toBe(20);
    expect(at(8)).toBe(0);
    expect(at(20)).toBe(0); // e.g. the leads that came during the last batch's record read: they go now
    // The token wait still holds, whatever waits.
    const paced = { remaining: 80, limit: 190, nextCallInMs: 30, callIntervalMs: 52.6, paced: true };
    expect(batchWaitMs({ waiting: 20, maxBatch: 100, budgets: [paced], arrivalsPerS: 200, gatherMs: 20 })).toBe(30);
  });

  it('tight means linear from nothing at half the window left to one call interval at none', () => {
    expect(budgetWaitMs({ remaining: 60, limit: 600, nextCallInMs: 0, callIntervalMs: 100 })).toBe(80);
  });
});

describe("batchWaitMs's spread (routing batches' record reads)", () => {
  it("a routing batch's read also waits out a paced bucket's spread; an owner write does not", () => {
    const spreading: CallBudget = { ...hubspot(60), paced: true, spreadInMs: 7 };
    expect(batchWaitMs({ waiting: 5, maxBatch: 100, budgets: [spreading], spread: true })).toBe(7);
    expect(batchWaitMs({ waiting: 5, maxBatch: 100, budgets: [spreading] })).toBe(0);
    // A full batch goes at once, spread or not.
    expect(batchWaitMs({ waiting: 100, maxBatch: 100, budgets: [spreading], spread: true })).toBe(0);
  });
});

describe('shortBatchSlots (short write batches in flight)', () => {
  it("every slot while each CRM's next call goes now: an owner write never queues behind the last one", () => {
    expect(shortBatchSlots([hubspot(190)], 4)).toBe(4);
    expect(shortBatchSlots([hubspot(95)], 4)).toBe(4);
    // A paced bucket past half its window, its next slot free: the call goes now.
    expect(shortBatchSlots([{ ...hubspot(40), paced: true }], 4)).toBe(4);
    // Or waiting only for its pair slot, with tokens left: one slot would hold each write for the
    // last one's round trip and recording (~115 ms) while reads go every ~105 ms, and the writes
    // fell behind a period at a time (bench:owner-latency-policy --decide-ms 5: p99 365 ms at 200 leads/s).
    expect(shortBatchSlots([{ ...hubspot(60, 40), paced: true }], 4)).toBe(4);
    expect(shortBatchSlots([], 4)).toBe(4);
  });

  it('one once a call must wait for its token, or an unpaced budget runs short: the rest wait in the batcher and fill', () => {
    expect(shortBatchSlots([{ ...hubspot(0, 20), paced: true }], 4)).toBe(1);
    // Callers queued ahead of it at the bucket: longer than a pair slot.
    expect(shortBatchSlots([{ ...hubspot(150, 160), paced: true }], 4)).toBe(1);
    expect(shortBatchSlots([hubspot(94)], 4)).toBe(1);
    const salesforce: CallBudget = { remaining: 600, limit: 600, nextCallInMs: 0, callIntervalMs: 100 };
    expect(shortBatchSlots([salesforce, hubspot(0, 40)], 4)).toBe(1);
  });
});

describe('shortReadSlots (short routing batches in flight)', () => {
  const salesforce = (remaining: number): CallBudget => ({
    remaining,
    limit: 1200,
    nextCallInMs: 0,
    callIntervalMs: 50,
    paced: true,
  });

  it("every slot while each lead's own read and write could go on at this rate for ever: a lead never queues behind the last read", () => {
    // 10 leads/s x 2 calls = 20/s: Salesforce's 1,200 a minute sustains it.
    expect(shortReadSlots([salesforce(1200)], 10, 4)).toBe(4);
    // 9 leads/s x 2 = 18/s: HubSpot's 19/s sustains it, its bucket pacing past half the window.
    expect(shortReadSlots([{ ...hubspot(190), paced: true }], 9, 4)).toBe(4);
    expect(shortReadSlots([{ ...hubspot(40), paced: true }], 9, 4)).toBe(4);
    expect(shortReadSlots([], 500, 4)).toBe(4);
  });

  it('one when the rate would spend the window (200 leads/s on HubSpot) or calls run short: reads batch', () => {
    expect(shortReadSlots([hubspot(190)], 200, 4)).toBe(1);
    // 10 leads/s x 2 = 20/s against HubSpot's 19/s: just over, so one (the estimate's slack is
    // half a call a second, not a tenth of the rate).
    expect(shortReadSlots([{ ...hubspot(190), paced: true }], 10, 4)).toBe(1);
    expect(shortReadSlots([salesforce(1200)], 30, 4)).toBe(1);
    // Salesforce's day running short (its budget no longer paces: the batchers fill on their own).
    expect(shortReadSlots([{ ...salesforce(500), paced: false }], 1, 4)).toBe(1);
  });
});

describe('createArrivalRate', () => {
  it('counts arrivals over about the last second', () => {
    let t = 0;
    const rate = createArrivalRate(() => t);
    for (let i = 0; i < 100; i++) {
      rate.arrived();
      t += 10;
    }
    expect(rate.perS()).toBeGreaterThanOrEqual(90);
    t += 5_000;
    expect(rate.perS()).toBe(0);
  });

  it('reads a steady 9 leads/s, arrivals up to 29 ms late, as at most 9.x: every routing slot stays open', () => {
    let t = 0;
    const rate = createArrivalRate(() => t);
    const budget = { ...hubspot(60), paced: true };
    let highest = 0;
    for (let lead = 0; lead < 600; lead++) {
      const at = lead * (1000 / 9) + ((lead * 37) % 30);
      // Read between arrivals too (the batcher asks when a batch forms and when one ends).
      for (; t < at; t += 7) if (lead > 0) highest = Math.max(highest, rate.perS());
      t = at;
      rate.arrived();
      highest = Math.max(highest, rate.perS());
      expect(shortReadSlots([budget], rate.perS(), 4)).toBe(4);
    }
    // 18 calls/s against HubSpot's 19: shortReadSlots' slack is half a call a second (9.75 leads/s).
    expect(highest).toBeLessThan(9.6);
    // A stream that starts at 200 leads/s (after three quiet seconds) reads as over within a dozen arrivals.
    t += 3_000;
    for (let i = 0; i < 12; i++) {
      rate.arrived();
      t += 5;
    }
    expect(shortReadSlots([budget], rate.perS(), 4)).toBe(1);
  });
});
