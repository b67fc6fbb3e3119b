// Smooth weighted round robin (nginx): each candidate earns its weight in credit, the candidate
// with the most credit wins and pays back the total earned this round. Shares converge exactly
// and every prefix of the sequence stays within one lead of the exact share, without bursts
// (weights 5:1:1 give a a b a c a a, not a a a a a b c).
//
// Credits live in counters (line:<line>:wrr:<period>:<rep>) as increments, so workers that
// serialise on the routing lock stay exact. They are whole thousandths of a lead: a weight of
// 0.5 earns 500, so fractional weights never accumulate float error. Credits across the line sum
// to zero, so a new member starts at 0 -- the average -- and is not flooded; a new period
// (pool.period: day, week, month in the pool's zone) starts everyone at 0, so last month's
// imbalance does not decide this month. Weight 0 is never picked and never earns. An unavailable
// member earns nothing (not owed missed leads) unless pool.catchUpAfterAway.
import type { CompiledPool } from './compile.js';
import { counter, type DecideContext } from './context.js';
import type { Outcome } from './outcome.js';
import type { Candidates } from './pool-members.js';
import type { CandidateTrace, Reason } from './types.js';

const leads = (thousandths: number) => thousandths / 1000;

export function pickWeighted(pool: CompiledPool, cands: Candidates, ctx: DecideContext, reasons: Reason[]): Outcome {
  const keys = pool.creditKeys(pool.periodOf(ctx.now));
  const deltas: Record<string, number> = {};
  let total = 0;
  if (pool.pool.catchUpAfterAway) {
    for (const i of cands.resting) {
      deltas[keys[i]!] = pool.weights1000[i]!;
      total += pool.weights1000[i]!;
    }
  }
  const tiers = pool.pool.priority !== undefined;
  const figures: CandidateTrace[] = [];
  let best = cands.list[0]!;
  let bestCredit = -Infinity;
  for (const c of cands.list) {
    const w = pool.weights1000[c.index]!;
    const credit = counter(ctx, keys[c.index]!) + w;
    deltas[keys[c.index]!] = w;
    total += w;
    const f: CandidateTrace = { repId: c.rep.id, weight: pool.weights[c.index]!, credit: leads(credit) };
    if (tiers) f.priority = pool.priorities[c.index]!;
    figures.push(f);
    // Strictly greater: ties go to the earlier member in configured order.
    if (credit > bestCredit) {
      bestCredit = credit;
      best = c;
    }
  }
  const bestKey = keys[best.index]!;
  deltas[bestKey] = deltas[bestKey]! - total;
  const why = `highest credit ${leads(bestCredit)} (weight ${pool.weights[best.index]}); pays back the ${leads(total)} earned this round`;
  reasons.push({ code: 'WEIGHTED_HIGHEST_CREDIT', repId: best.rep.id, poolId: pool.id, detail: why });
  ctx.picks.push({ poolId: pool.id, strategy: pool.pool.strategy, candidates: figures, winner: best.rep.id, why });
  const outcome: Outcome = { kind: 'rep', rep: best.rep, code: 'WEIGHTED_HIGHEST_CREDIT', poolId: pool.id, counterDeltas: deltas, line: { seqKey: pool.seqKey, lastKey: pool.lastKeys[best.index]! } };
  if (pool.pool.countsTowardCaps === false) outcome.uncapped = true;
  return outcome;
}
