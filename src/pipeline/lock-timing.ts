import type { Metrics } from './metrics.js';

/**
 * Times one routing transaction's locks: wait (from BEGIN to the lock statement's answer: two
 * round trips plus any queue behind other holders) and hold (locks held -> commit). Those two
 * bound how many leads/s one lock row routes (docs/scaling.md).
 */
export function routingLockTimer(metrics: Pick<Metrics, 'routingLockWait' | 'routingLockHold'>) {
  const begun = performance.now();
  let lockedAt: number | undefined;
  return {
    locked(): void {
      lockedAt = performance.now();
      metrics.routingLockWait.observe((lockedAt - begun) / 1000);
    },
    /** After the commit: the locks are released (a rolled-back transaction is not timed). */
    released(): void {
      if (lockedAt !== undefined) metrics.routingLockHold.observe((performance.now() - lockedAt) / 1000);
    },
  };
}
