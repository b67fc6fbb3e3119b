import type { Metrics } from './metrics.js';

/** Partition labels a process reports on its own; later ones are "other" (a label set must stay bounded). */
export const partitionLabelsMax = 32;
const seen = new Set<string>();

/** The metric label of a lock key: `$routing` is "global", a partition's key its own name, up to partitionLabelsMax of them. */
export function partitionLabel(lockKey: string): string {
  if (lockKey === '$routing') return 'global';
  const label = lockKey.replace(/^\$routing\//, '');
  if (seen.has(label)) return label;
  if (seen.size >= partitionLabelsMax) return 'other';
  seen.add(label);
  return label;
}

/**
 * Times one routing transaction's locks: wait (from BEGIN to the lock statement's answer: two
 * round trips plus any queue behind other holders) and hold (locks held -> commit), labelled by
 * the lock partition. Those two bound how many leads/s one partition routes (docs/scaling.md).
 */
export function routingLockTimer(
  metrics: Pick<Metrics, 'routingLockWait' | 'routingLockHold' | 'routingLockLeads'>,
  lockKey: string,
) {
  const partition = partitionLabel(lockKey);
  const begun = performance.now();
  let lockedAt: number | undefined;
  return {
    locked(): void {
      lockedAt = performance.now();
      metrics.routingLockWait.observe({ partition }, (lockedAt - begun) / 1000);
    },
    /** After the commit of `leads`: the locks are released (a rolled-back transaction is not timed). */
    released(leads: number): void {
      if (lockedAt === undefined) return;
      metrics.routingLockHold.observe({ partition }, (performance.now() - lockedAt) / 1000);
      metrics.routingLockLeads.inc({ partition }, leads);
    },
  };
}
