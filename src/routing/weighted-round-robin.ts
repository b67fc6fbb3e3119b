// Smooth weighted round robin (nginx): each eligible member earns its weight in credit, the
// member with the most credit wins and pays back the total earned this round. Shares converge
// exactly and every prefix of the sequence stays within one lead of the exact share, without
// bursts (weights 5:1:1 give a a b a c a a, not a a a a a b c).
//
// Credits live in counters (pool:<id>:wrr:<rep>) as increments, so workers that serialise on
// the pool's state rows stay exact. Credits across the pool sum to zero, so a new member starts
// at 0 -- the pool's average -- and is not flooded. Weight 0 is never picked and never earns.
// An unavailable member earns nothing (not owed missed leads) unless pool.catchUpAfterAway.
import type { CompiledPool } from './compile.js';
import { counter, type DecideContext, type Needs } from './context.js';
import type { Outcome } from './outcome.js';
import { checkMember } from './pool-members.js';
import type { Reason } from './types.js';

export function pickWeighted(pool: CompiledPool, ctx: DecideContext, needs: Needs, reasons: Reason[]): Outcome | undefined {
  const catchUp = pool.pool.catchUpAfterAway;
  const deltas: Record<string, number> = {};
  let total = 0;
  let best = -1;
  let bestCredit = -Infinity;
  for (let i = 0; i < pool.members.length; i++) {
    const weight = pool.weights[i]!;
    const key = pool.creditKeys[i]!;
    if (weight === 0) {
      reasons.push({ code: 'REP_WEIGHT_ZERO', repId: pool.members[i]!, poolId: pool.id });
      continue;
    }
    const m = checkMember(pool, i, ctx, needs);
    if (m.skip) {
      reasons.push(m.skip);
      if (catchUp && (m.skip.code === 'REP_AWAY' || m.skip.code === 'REP_OFF_HOURS')) {
        deltas[key] = weight;
        total += weight;
      }
      continue;
    }
    const credit = counter(ctx, key) + weight;
    deltas[key] = weight;
    total += weight;
    // Strictly greater: ties go to the earlier member in configured order.
    if (credit > bestCredit) {
      bestCredit = credit;
      best = i;
    }
  }
  if (best < 0) return undefined;
  const rep = ctx.compiled.reps.get(pool.members[best]!)!;
  const bestKey = pool.creditKeys[best]!;
  deltas[bestKey] = (deltas[bestKey] ?? 0) - total;
  reasons.push({ code: 'WEIGHTED_HIGHEST_CREDIT', repId: rep.id, poolId: pool.id, detail: `credit ${bestCredit} (weight ${pool.weights[best]}) of ${total} earned this round` });
  return { kind: 'rep', rep, code: 'WEIGHTED_HIGHEST_CREDIT', poolId: pool.id, counterDeltas: deltas };
}
