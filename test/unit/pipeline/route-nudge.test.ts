import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRouteNudger } from '../../../src/pipeline/route-nudge.js';

describe('createRouteNudger (route jobs shared across intake statements)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const nudger = (windowMs: number, maxEvents = 50) => {
    const jobs: number[][] = [];
    const n = createRouteNudger<number>(
      async (events) => {
        jobs.push(events);
      },
      { windowMs, maxEvents, nowMs: () => Date.now() },
    );
    return { n, jobs };
  };

  it('sends a lone lead on the next turn, and holds the ones behind it for the rest of the window', async () => {
    const { n, jobs } = nudger(10);
    const first = n.add([1]);
    expect(jobs).toEqual([]); // not in the statement's own turn
    await vi.advanceTimersByTimeAsync(0);
    await first;
    expect(jobs).toEqual([[1]]);
    await vi.advanceTimersByTimeAsync(3);
    const second = n.add([2]);
    const third = n.add([3, 4]);
    await vi.advanceTimersByTimeAsync(6);
    expect(jobs).toEqual([[1]]);
    await vi.advanceTimersByTimeAsync(1);
    await Promise.all([second, third]);
    expect(jobs).toEqual([[1], [2, 3, 4]]);
    // Quiet again for a window: the next lead goes at once.
    await vi.advanceTimersByTimeAsync(50);
    void n.add([5]);
    await vi.advanceTimersByTimeAsync(0);
    expect(jobs).toEqual([[1], [2, 3, 4], [5]]);
  });

  it('sends a full job without waiting for the window, in chunks of maxEvents', async () => {
    const { n, jobs } = nudger(10, 3);
    void n.add([1]);
    await vi.advanceTimersByTimeAsync(0);
    void n.add([2, 3]);
    await vi.advanceTimersByTimeAsync(0);
    expect(jobs).toEqual([[1]]);
    void n.add([4, 5, 6, 7]);
    await vi.advanceTimersByTimeAsync(0);
    expect(jobs).toEqual([[1], [2, 3, 4], [5, 6, 7]]);
  });

  it('flush sends what waits at once (shutdown)', async () => {
    const { n, jobs } = nudger(1000);
    void n.add([1]);
    await vi.advanceTimersByTimeAsync(0);
    const held = n.add([2]);
    await n.flush();
    await held;
    expect(jobs).toEqual([[1], [2]]);
    await vi.advanceTimersByTimeAsync(2000);
    expect(jobs).toEqual([[1], [2]]);
  });

  it('with no window, each turn sends what arrived in it', async () => {
    const { n, jobs } = nudger(0);
    void n.add([1]);
    void n.add([2]);
    await vi.advanceTimersByTimeAsync(0);
    void n.add([3]);
    await vi.advanceTimersByTimeAsync(0);
    expect(jobs).toEqual([[1, 2], [3]]);
  });

  it('answers the events of a job whose add failed (the sweeper routes them)', async () => {
    const n = createRouteNudger<number>(() => Promise.reject(new Error('redis down')), { windowMs: 10, maxEvents: 5 });
    const sent = n.add([1]);
    await vi.advanceTimersByTimeAsync(0);
    await expect(sent).resolves.toBeUndefined();
  });
});
