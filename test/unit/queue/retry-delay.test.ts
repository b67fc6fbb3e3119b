import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '../../../src/queue/index.js';

const s = { baseMs: 500, maxMs: 8000, jitter: 0.2 };

describe('retryDelayMs', () => {
  it('doubles per attempt up to the cap, with no jitter at random = 0.5', () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => retryDelayMs(a, undefined, s, 0.5))).toEqual([
      500, 1000, 2000, 4000, 8000, 8000,
    ]);
  });
  it('spreads by at most the jitter fraction either way', () => {
    expect(retryDelayMs(2, undefined, s, 0)).toBe(800);
    expect(retryDelayMs(2, undefined, s, 0.999999)).toBe(1200);
  });
  it("honours a CRM's Retry-After, clamped to [delay, 2 x delay]", () => {
    expect(retryDelayMs(1, 700, s, 0.5)).toBe(700);
    expect(retryDelayMs(1, 100, s, 0.5)).toBe(500);
    expect(retryDelayMs(1, 3_600_000, s, 0.5)).toBe(1000);
  });
});
