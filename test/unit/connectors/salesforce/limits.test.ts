import { describe, expect, it } from 'vitest';
import { createRequestBudget } from '../../../../connectors/salesforce/limits.js';

describe('Salesforce request budget: what is left, for the batchers', () => {
  it('counts the rolling minute, says when the next call may go, and reads the daily allowance above the reserve', async () => {
    let t = 0;
    const budget = createRequestBudget(
      { maxRequestsPerMinute: 4, reserveApiCalls: 100 },
      { nowMs: () => t, sleep: async (ms) => void (t += ms) },
    );
    expect(budget.budget()).toEqual({ remaining: 4, limit: 4, nextCallInMs: 0, callIntervalMs: 15_000 });
    for (let i = 0; i < 4; i++) {
      await budget.run(
        async () => undefined,
        () => undefined,
      );
      t += 1_000;
    }
    expect(budget.budget()).toMatchObject({ remaining: 0, nextCallInMs: 56_000 });
    t += 60_000;
    // The org reports 500 of 1,100 used: of the 1,000 calls above the reserve, half are left, so
    // the minute's 3 remaining read as 2 (the scarcer of the two shares).
    await budget.run(
      async () => undefined,
      () => ({ used: 500, limit: 1_100 }),
    );
    expect(budget.budget()).toMatchObject({ remaining: 2, nextCallInMs: 0 });
  });
});
