// Pool-level eligibility on top of the rep's own availability: unknown members (a rep removed
// from config but still listed) and the top-tier reservation for high-score leads.
import { checkRep } from './availability.js';
import type { CompiledPool, CompiledRep } from './compile.js';
import type { DecideContext, Needs } from './context.js';
import { toNumber } from './operators.js';
import type { Reason } from './types.js';

export type MemberCheck = { rep: CompiledRep; skip?: undefined } | { rep?: CompiledRep; skip: Reason };

export function checkMember(pool: CompiledPool, index: number, ctx: DecideContext, needs: Needs): MemberCheck {
  const repId = pool.members[index]!;
  const rep = ctx.compiled.reps.get(repId);
  if (!rep) return { skip: { code: 'REP_UNKNOWN', repId, poolId: pool.id } };
  const tier = pool.pool.topTier;
  if (tier && pool.topTier) {
    const score = toNumber(ctx.lead.score);
    const hot = score !== undefined && score >= tier.minScore;
    const top = pool.topTier.has(repId);
    if (top && !hot) return { rep, skip: { code: 'REP_RESERVED_TOP_TIER', repId, poolId: pool.id, detail: `kept for score >= ${tier.minScore}` } };
    if (!top && hot && tier.exclusive) return { rep, skip: { code: 'REP_NOT_TOP_TIER', repId, poolId: pool.id, detail: `score ${score} goes to top tier only` } };
  }
  const skip = checkRep(rep, ctx, needs, pool.id);
  return skip ? { rep, skip } : { rep };
}
