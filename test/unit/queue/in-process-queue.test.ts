import { describe, expect, it } from 'vitest';
import { PermanentError } from '../../../src/errors.js';
import { createInProcessQueue, type JobName, type RetryPolicy } from '../../../src/queue/index.js';
import { until } from '../../support/until.js';

const policy = (attempts: number): RetryPolicy => ({
  attempts,
  delayMs: () => 1,
  isPermanent: (e) => e instanceof PermanentError,
});

describe('in-process queue (same semantics as the BullMQ binding)', () => {
  it('retries a failing job until it succeeds, within its attempts', async () => {
    const q = createInProcessQueue({ retry: policy(3) });
    const tries: number[] = [];
    const outcomes: string[] = [];
    q.startWorkers(
      {
        route: async (_p, { attempt }) => {
          tries.push(attempt);
          if (attempt < 3) throw new Error('flaky');
        },
        writeback: async () => {},
        sla: async () => {},
        notify: async () => {},
      },
      { concurrency: 1, onOutcome: (_n, o) => outcomes.push(o) },
    );
    await q.enqueue('route', {}, { jobId: 'a' });
    await until(() => outcomes.includes('completed'));
    expect(tries).toEqual([1, 2, 3]);
    expect(outcomes).toEqual(['retry', 'retry', 'completed']);
    await q.close();
  });

  it('never retries a permanent error, and reports the final failure once', async () => {
    const q = createInProcessQueue({ retry: policy(5) });
    const finals: Array<[JobName, unknown]> = [];
    let tries = 0;
    q.startWorkers(
      {
        route: async () => {
          tries++;
          throw new PermanentError('MAPPING_FAILED', 'no mapping');
        },
        writeback: async () => {},
        sla: async () => {},
        notify: async () => {},
      },
      { concurrency: 1, onFinalFailure: async (n, p) => void finals.push([n, p]) },
    );
    await q.enqueue('route', { id: 1 }, { jobId: 'p' });
    await until(() => finals.length === 1);
    expect(tries).toBe(1);
    expect(finals).toEqual([['route', { id: 1 }]]);
    await q.close();
  });

  it('gives up after the last attempt', async () => {
    const q = createInProcessQueue({ retry: policy(2) });
    const finals: unknown[] = [];
    let tries = 0;
    q.startWorkers(
      {
        route: async () => void tries++,
        writeback: async () => {
          tries++;
          throw new Error('down');
        },
        sla: async () => {},
        notify: async () => {},
      },
      { concurrency: 1, onFinalFailure: async (_n, p) => void finals.push(p) },
    );
    await q.enqueue('writeback', 'w', { jobId: 'w' });
    await until(() => finals.length === 1);
    expect(tries).toBe(2);
  });

  it('drops an enqueue whose jobId is still pending, and accepts it again once done', async () => {
    const q = createInProcessQueue({ retry: policy(1) });
    const seen: unknown[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    q.startWorkers(
      {
        route: async (p) => {
          seen.push(p);
          await gate;
        },
        writeback: async () => {},
        sla: async () => {},
        notify: async () => {},
      },
      { concurrency: 2 },
    );
    await q.enqueue('route', 1, { jobId: 'same' });
    await q.enqueue('route', 2, { jobId: 'same' });
    release();
    await until(() => seen.length === 1);
    await new Promise((r) => setTimeout(r, 5));
    await q.enqueue('route', 3, { jobId: 'same' });
    await until(() => seen.length === 2);
    expect(seen).toEqual([1, 3]);
    await q.close();
  });

  it('waits for running jobs on close', async () => {
    const q = createInProcessQueue({ retry: policy(1) });
    let finished = false;
    q.startWorkers(
      {
        route: async () => {
          await new Promise((r) => setTimeout(r, 30));
          finished = true;
        },
        writeback: async () => {},
        sla: async () => {},
        notify: async () => {},
      },
      { concurrency: 1 },
    );
    await q.enqueue('route', 1, { jobId: 'x' });
    await new Promise((r) => setImmediate(r));
    await q.close();
    expect(finished).toBe(true);
  });

  it('runs an SLA job on its own queue: the route handler never sees it, and a jobId is unique per queue', async () => {
    const q = createInProcessQueue({ retry: policy(1) });
    const seen: Array<[JobName, unknown]> = [];
    const record = (name: JobName) => async (p: unknown) => void seen.push([name, p]);
    q.startWorkers(
      { route: record('route'), writeback: record('writeback'), sla: record('sla'), notify: record('notify') },
      { concurrency: 1 },
    );
    await q.enqueue('sla', { v: 1, slaTimerId: 't1' }, { jobId: 'same' });
    await q.enqueue('route', { v: 1, eventId: 'e1' }, { jobId: 'same' });
    await until(() => seen.length === 2);
    expect(seen).toEqual([
      ['sla', { v: 1, slaTimerId: 't1' }],
      ['route', { v: 1, eventId: 'e1' }],
    ]);
    await q.close();
  });
});
