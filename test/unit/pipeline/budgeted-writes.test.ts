// The write-back batcher as handlers.ts wires it (createBatcher + budgetedWrites), against a
// CRM budget the test sets: which batches go, and with what in them. No timing assertions: the
// waits are short and the test only looks at the batches' contents.
import { describe, expect, it } from 'vitest';
import type { CallBudget } from '../../../src/connector.js';
import { budgetedWrites } from '../../../src/pipeline/batch-wait.js';
import { heldBatcher, nextTurn } from '../../support/held-batcher.js';
import { until } from '../../support/until.js';

const interval = 10_000 / 190;
const plenty: CallBudget = { remaining: 190, limit: 190, nextCallInMs: 0, callIntervalMs: interval, paced: true };

/** A writer whose every call stays open until the test releases it. */
const writer = (budget: () => CallBudget, capMs?: number) =>
  heldBatcher(budgetedWrites({ maxBatch: 10, maxConcurrent: 4, budgets: () => [budget()], capMs }));

describe('budgeted write batches', () => {
  it('calls plentiful: each owner write goes at once, beside the ones in flight, nothing waits for company', async () => {
    const w = writer(() => plenty);
    const all = [w.b.submit(1)];
    await nextTurn();
    all.push(w.b.submit(2));
    await nextTurn();
    all.push(w.b.submit(3));
    await nextTurn();
    expect(w.batches).toEqual([[1], [2], [3]]);
    w.releaseAll();
    await Promise.all(all);
  });

  it('at the ceiling (WRITE_LINGER_MS=0 too): one batch waits for the token, the rest fill to full batches', async () => {
    // The window is spent: the next call waits 30 ms for its token, whatever batch it carries.
    const w = writer(() => ({ ...plenty, remaining: 0, nextCallInMs: 30 }), 0);
    const all = [w.b.submit(0)];
    await nextTurn();
    // Arrivals over several turns, as write jobs come in one by one.
    for (let i = 1; i < 35; i++) {
      all.push(w.b.submit(i));
      if (i % 3 === 0) await nextTurn();
    }
    await until(() => w.batches.flat().length === 30, { what: 'three full batches out', timeoutMs: 5_000 });
    // The first batch waited for the token and filled; while it is out, only full ones go.
    expect(w.batches.map((x) => x.length)).toEqual([10, 10, 10]);
    w.releaseAll();
    await until(() => w.batches.flat().length === 35, { what: 'the rest out' });
    w.releaseAll();
    await Promise.all(all);
    expect(w.batches.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 35 }, (_, i) => i));
  });

  it('a paced bucket with its next slot free (window past half): a second short batch still goes at once', async () => {
    const w = writer(() => ({ ...plenty, remaining: 40 }));
    const all = [w.b.submit(1)];
    await until(() => w.batches.length === 1, { what: 'the first batch out' });
    all.push(w.b.submit(2), w.b.submit(3));
    await until(() => w.batches.length === 2, { what: 'the second batch out beside the first' });
    expect(w.batches).toEqual([[1], [2, 3]]);
    w.releaseAll();
    await Promise.all(all);
  });

  it('an unpaced budget running short (under half left): a second short batch waits for the one in flight', async () => {
    const w = writer(() => ({ ...plenty, remaining: 40, paced: false }));
    const all = [w.b.submit(1)];
    await until(() => w.batches.length === 1, { what: 'the first batch out' });
    all.push(w.b.submit(2), w.b.submit(3));
    await nextTurn();
    await nextTurn();
    expect(w.batches).toEqual([[1]]);
    w.releaseAll();
    await until(() => w.batches.length === 2, { what: 'the second batch out' });
    expect(w.batches[1]).toEqual([2, 3]);
    w.releaseAll();
    await Promise.all(all);
  });
});
