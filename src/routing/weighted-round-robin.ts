// Smooth weighted round robin: each candidate earns its weight in credit, the winner pays back
// the total earned this round; the winner is the candidate owed a lead whose deadline is first
// (see below; nginx picks the most credit, which can drift past one lead). Shares converge exactly
// and every prefix of the sequence stays within one lead of the exact share, without bursts
// (weights 5:1:1 give a a a b c a a, not a a a a a b c).
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
import { picked, type Candidates } from './pool-members.js';
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
  const credits: number[] = [];
  for (const c of cands.list) {
    const w = pool.weights1000[c.index]!;
    const credit = counter(ctx, keys[c.index]!) + w;
    credits.push(credit);
    deltas[keys[c.index]!] = w;
    total += w;
    const f: CandidateTrace = { repId: c.rep.id, weight: pool.weights[c.index]!, credit: leads(credit) };
    if (tiers) f.priority = pool.priorities[c.index]!;
    figures.push(f);
  }
  // Among members owed a lead (credit > 0), the one whose deadline comes first: a credit is
  // total x (share so far - leads had), and a member must be picked before its shortfall reaches
  // 1 - 1/(2n-2) leads (after Tijdeman's chairman assignment rule), which keeps every prefix
  // within 1 lead of every share (the property test in fairness-properties.test.ts checks it). Plain "most credit" (nginx) can drift past 1 when equal
  // weights tie (3, 3, 0.125, 3, 0.125: 1.03 after 34 leads). Ties: most credit, then configured order.
  const n = cands.list.length + (pool.pool.catchUpAfterAway ? cands.resting.length : 0);
  const slack = total * (1 - (n > 1 ? 1 / (2 * n - 2) : 0));
  let best = cands.list[0]!;
  let bestCredit = -Infinity;
  let bestDeadline = Infinity;
  for (let k = 0; k < cands.list.length; k++) {
    const c = cands.list[k]!;
    const credit = credits[k]!;
    const deadline = credit > 0 ? (slack - credit) / pool.weights1000[c.index]! : Infinity;
    if (deadline < bestDeadline || (deadline === bestDeadline && credit > bestCredit)) {
      best = c;
      bestCredit = credit;
      bestDeadline = deadline;
    }
  }
  const bestKey = keys[best.index]!;
  deltas[bestKey] = deltas[bestKey]! - total;
  const why = `owed the most by its weight: credit ${leads(bestCredit)} (weight ${pool.weights[best.index]}); pays back the ${leads(total)} earned this round`;
  return picked(pool, ctx, reasons, best, 'WEIGHTED_HIGHEST_CREDIT', why, figures, {
    counterDeltas: deltas,
    line: { seqKey: pool.seqKey, lastKey: pool.lastKeys[best.index]! },
  });
}
