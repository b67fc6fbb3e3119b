// Pool-level eligibility on top of the rep's own availability: unknown members (a rep removed
// from config but still listed), the top-tier reservation for high-score leads, weight 0 in
// weighted pools, and priority tiers: only the highest priority with anyone available competes.
import { checkRep } from './availability.js';
import type { CompiledPool, CompiledRep } from './compile.js';
import type { DecideContext, Needs } from './context.js';
import { toNumber } from './operators.js';
import type { Outcome } from './outcome.js';
import type { CandidateTrace, ChoiceCode, Reason } from './types.js';

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
    if (top && !hot)
      return {
        rep,
        skip: { code: 'REP_RESERVED_TOP_TIER', repId, poolId: pool.id, detail: `kept for score >= ${tier.minScore}` },
      };
    if (!top && hot && tier.exclusive)
      return {
        rep,
        skip: { code: 'REP_NOT_TOP_TIER', repId, poolId: pool.id, detail: `score ${score} goes to top tier only` },
      };
  }
  const skip = checkRep(rep, ctx, needs, pool.id);
  return skip ? { rep, skip } : { rep };
}

/** A member who can take the lead: their position in pool.members and the rep. */
export interface Candidate {
  index: number;
  rep: CompiledRep;
}

export interface Candidates {
  /** In configured order; never empty. */
  list: Candidate[];
  /** Positions of members away or off hours (weighted catchUpAfterAway lets them earn). */
  resting: number[];
}

/** Who may take the lead, with every member passed over recorded in reasons; undefined when nobody. */
export function candidatesOf(
  pool: CompiledPool,
  ctx: DecideContext,
  needs: Needs,
  reasons: Reason[],
): Candidates | undefined {
  const weighted = pool.pool.strategy === 'weighted_round_robin';
  const list: Candidate[] = [];
  let resting: number[] = [];
  for (let i = 0; i < pool.members.length; i++) {
    if (weighted && pool.weights1000[i] === 0) {
      reasons.push({ code: 'REP_WEIGHT_ZERO', repId: pool.members[i]!, poolId: pool.id });
      continue;
    }
    const m = checkMember(pool, i, ctx, needs);
    if (m.skip) {
      reasons.push(m.skip);
      if (m.skip.code === 'REP_AWAY' || m.skip.code === 'REP_OFF_HOURS' || m.skip.code === 'REP_HOLIDAY')
        resting.push(i);
      continue;
    }
    list.push({ index: i, rep: m.rep });
  }
  if (list.length === 0) return undefined;
  if (pool.pool.priority === undefined) return { list, resting };
  let top = -1;
  for (const c of list) top = Math.max(top, pool.priorities[c.index]!);
  const tier: Candidate[] = [];
  for (const c of list) {
    const p = pool.priorities[c.index]!;
    if (p === top) tier.push(c);
    else
      reasons.push({
        code: 'REP_LOWER_TIER',
        repId: c.rep.id,
        poolId: pool.id,
        detail: `priority ${p}; priority ${top} has someone available`,
      });
  }
  resting = resting.filter((i) => pool.priorities[i] === top);
  return { list: tier, resting };
}

/**
 * A strategy's pick, as every strategy records it: the winner's reason and the trace of every
 * candidate's figure (ctx.picks), and the outcome for decide(), marked uncapped when the pool does
 * not count toward caps. `extra` carries the strategy's own counter moves and line.
 */
export function picked(
  pool: CompiledPool,
  ctx: DecideContext,
  reasons: Reason[],
  winner: Candidate,
  code: ChoiceCode,
  why: string,
  figures: CandidateTrace[],
  extra: Pick<Extract<Outcome, { kind: 'rep' }>, 'counterDeltas' | 'line' | 'movedGlobal'> = {},
): Outcome {
  reasons.push({ code, repId: winner.rep.id, poolId: pool.id, detail: why });
  ctx.picks.push({ poolId: pool.id, strategy: pool.pool.strategy, candidates: figures, winner: winner.rep.id, why });
  const outcome: Outcome = { kind: 'rep', rep: winner.rep, code, poolId: pool.id, ...extra };
  if (pool.pool.countsTowardCaps === false) outcome.uncapped = true;
  return outcome;
}
