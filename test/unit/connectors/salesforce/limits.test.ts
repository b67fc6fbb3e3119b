import { describe, expect, it } from 'vitest';
import { createRequestBudget } from '../../../../connectors/salesforce/limits.js';

/** A budget of 4 calls per minute (pacing past 2: one per 15 s) on a clock the test moves. */
function fourPerMinute() {
  const clock = { t: 0 };
  const budget = createRequestBudget(
    { maxRequestsPerMinute: 4, reserveApiCalls: 100 },
    { nowMs: () => clock.t, sleep: async (ms) => void (clock.t += ms) },
  );
  const call = (usage?: { used: number; limit: number }) =>
    budget.run(
      async () => clock.t,
      () => usage,
    );
  return { clock, budget, call };
}

describe('Salesforce request budget: what is left, for the batchers', () => {
  it('counts the rolling minute, says when the next call may go, and reads the daily allowance above the reserve', async () => {
    const { clock, budget, call } = fourPerMinute();
    expect(budget.budget()).toEqual({ remaining: 4, limit: 4, nextCallInMs: 0, callIntervalMs: 15_000, paced: true });
    for (let i = 0; i < 4; i++) {
      await call();
      clock.t += 1_000;
    }
    // Four calls (the last two paced 15 s apart) fill the minute: the next goes when the first ages out.
    expect(budget.budget()).toMatchObject({ remaining: 0, nextCallInMs: 60_000 - clock.t });
    clock.t += 60_000;
    // The org reports 500 of 1,100 used: of the 1,000 calls above the reserve, half are left, so
    // the minute's 3 remaining read as 2 (the scarcer of the two shares), and the batchers fill on
    // their own rather than by the minute's pacing.
    await call({ used: 500, limit: 1_100 });
    expect(budget.budget()).toMatchObject({ remaining: 2, nextCallInMs: 0, paced: false });
  });

  it('goes at once while under half the minute is spent, then paces one call per minute/cap, never stalling a whole minute', async () => {
    const { clock, budget, call } = fourPerMinute();
    expect([await call(), await call()]).toEqual([0, 0]);
    // Half the minute spent: the next call waits for its pacing slot, and the budget says how long.
    expect(budget.budget()).toMatchObject({ remaining: 2, nextCallInMs: 15_000, paced: true });
    expect(await call()).toBe(15_000);
    expect(await call()).toBe(30_000);
    expect(clock.t).toBe(30_000);
  });
});
