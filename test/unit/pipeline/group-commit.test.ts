import { describe, expect, it } from 'vitest';
import { createBatcher } from '../../../src/pipeline/group-commit.js';
import { heldBatcher, nextTurn } from '../../support/held-batcher.js';

describe('createBatcher (group commit)', () => {
  it('runs on the next turn with what arrived in that turn, and batches what arrives while a batch runs', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    let gate = new Promise<void>((r) => (release = r));
    const b = createBatcher<number, number>(
      async (items) => {
        batches.push(items);
        await gate;
        return items.map((i) => i * 10);
      },
      { maxBatch: 3, maxConcurrent: 1 },
    );
    const first = [1, 2].map((i) => b.submit(i));
    expect(batches).toEqual([]);
    await nextTurn();
    expect(batches).toEqual([[1, 2]]);
    const rest = [3, 4, 5, 6].map((i) => b.submit(i));
    const r1 = release;
    gate = new Promise<void>((r) => (release = r));
    r1();
    expect(await Promise.all(first)).toEqual([10, 20]);
    release();
    expect(await Promise.all(rest)).toEqual([30, 40, 50, 60]);
    expect(batches).toEqual([[1, 2], [3, 4, 5], [6]]);
  });

  it('maxConcurrentShort: a short batch waits for the one in flight; full batches overlap', async () => {
    const { b, batches: started, releaseAll } = heldBatcher({ maxBatch: 2, maxConcurrent: 3, maxConcurrentShort: 1 });
    const all = [b.submit(1)];
    await nextTurn();
    all.push(b.submit(2));
    await nextTurn();
    // One short batch is out: the second short one waits.
    expect(started).toEqual([[1]]);
    all.push(...[3, 4].map((i) => b.submit(i)));
    await nextTurn();
    // Now two full batches' worth wait: they go beside the first.
    expect(started).toEqual([[1], [2, 3]]);
    all.push(b.submit(5));
    await nextTurn();
    expect(started).toEqual([[1], [2, 3], [4, 5]]);
    releaseAll();
    await Promise.all(all);
  });

  it('takeMax: a batch takes up to that many of the items waiting; full and short are still judged by maxBatch', async () => {
    let take = 5;
    const {
      b,
      batches: started,
      releaseAll,
    } = heldBatcher({
      maxBatch: 2,
      maxConcurrent: 2,
      maxConcurrentShort: 1,
      takeMax: () => take,
    });
    const all = [1, 2, 3, 4, 5, 6, 7].map((i) => b.submit(i));
    await nextTurn();
    // Seven wait: the first batch takes five, the other two are a full batch of maxBatch and go beside it.
    expect(started).toEqual([
      [1, 2, 3, 4, 5],
      [6, 7],
    ]);
    take = 1;
    all.push(b.submit(8));
    await nextTurn();
    // One item is short: it waits for a short slot (none while two batches are in flight).
    expect(started).toHaveLength(2);
    releaseAll();
    await nextTurn();
    await nextTurn();
    expect(started[2]).toEqual([8]);
    releaseAll();
    await Promise.all(all);
  });

  it('retries each item alone when a batch fails as a whole, so only the bad one fails', async () => {
    const b = createBatcher<number, string>(
      async (items) => {
        if (items.includes(13) && items.length > 1) throw new Error('batch failed');
        if (items[0] === 13) throw new Error('13 is bad');
        return items.map(String);
      },
      { maxBatch: 10, maxConcurrent: 1 },
    );
    const block = b.submit(0);
    const results = await Promise.allSettled([12, 13, 14].map((i) => b.submit(i)));
    await block;
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('13 is bad');
  });

  it('with lingerMs, lets a short batch fill before it goes', async () => {
    const batches: number[][] = [];
    const b = createBatcher<number, void>(
      async (items) => {
        batches.push(items);
        return items.map(() => undefined);
      },
      { maxBatch: 100, maxConcurrent: 1, lingerMs: 20 },
    );
    const all = [1, 2, 3].map((i) => b.submit(i));
    await new Promise((r) => setTimeout(r, 5));
    all.push(b.submit(4));
    await Promise.all(all);
    expect(batches).toEqual([[1, 2, 3, 4]]);
  });
});
