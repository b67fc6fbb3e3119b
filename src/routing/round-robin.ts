import type { Pool, Rep } from './config-schema.js';
import type { Reason } from './types.js';

/**
 * Next member after the cursor who can take a lead. Rotation runs over the full member list;
 * the unavailable are skipped and keep their place in line.
 */
export function pickRoundRobin(
  pool: Pool,
  reps: ReadonlyMap<string, Rep>,
  cursor: number,
  canTake: (rep: Rep) => boolean,
  reasons: Reason[],
): { repId: string; index: number } | undefined {
  const n = pool.members.length;
  for (let step = 1; step <= n; step++) {
    const index = (((cursor + step) % n) + n) % n;
    const repId = pool.members[index]!;
    const rep = reps.get(repId);
    if (rep && rep.active && canTake(rep)) return { repId, index };
    reasons.push({ code: rep && !rep.active ? 'REP_INACTIVE' : 'REP_UNAVAILABLE', repId, poolId: pool.id });
  }
  return undefined;
}
