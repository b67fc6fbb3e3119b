// Round robin is a line, not a position. Each member's place is the sequence number of their
// last lead on the pool's line (counter line:<line>:last:<rep>); the member who has waited
// longest -- smallest number, never-assigned first -- takes the lead and goes to the back.
// So a member skipped while unavailable keeps their place and is next when back; adding or
// removing members moves nobody else; and since places are stored per rep, not as an index,
// they survive config versions. Members who never had a lead go in pool order (starting after a
// pre-upgrade cursor, if the pool had one, so the upgrade does not restart the rotation).
// least_recently_assigned is the same walk over the line "all": every lead the rep got by any
// route (named rep, account owner, other pools) sends them to the back.
import type { CompiledPool } from './compile.js';
import { counter, type DecideContext } from './context.js';
import type { Outcome } from './outcome.js';
import type { Candidate, Candidates } from './pool-members.js';
import type { CandidateTrace, ChoiceCode, Reason } from './types.js';

/** The candidate who has waited longest on the line keyOf reads. */
function longestWaiting(pool: CompiledPool, cands: Candidates, ctx: DecideContext, keyOf: (c: Candidate) => string): { winner: Candidate; last: number; figures: CandidateTrace[] } {
  const n = pool.members.length;
  const cursor = ctx.state.cursors[pool.id] ?? -1;
  const start = cursor >= 0 ? (cursor + 1) % n : 0;
  const figures: CandidateTrace[] = [];
  let winner = cands.list[0]!;
  let bestLast = Infinity;
  let bestOrder = Infinity;
  const tiers = pool.pool.priority !== undefined;
  for (const c of cands.list) {
    const last = counter(ctx, keyOf(c));
    const order = (c.index - start + n) % n;
    figures.push(tiers ? { repId: c.rep.id, priority: pool.priorities[c.index]!, lastLead: last } : { repId: c.rep.id, lastLead: last });
    if (last < bestLast || (last === bestLast && order < bestOrder)) {
      winner = c;
      bestLast = last;
      bestOrder = order;
    }
  }
  return { winner, last: bestLast, figures };
}

function pickInLine(pool: CompiledPool, cands: Candidates, ctx: DecideContext, reasons: Reason[], code: ChoiceCode, line: string, keyOf: (c: Candidate) => string): Outcome {
  const { winner, last, figures } = longestWaiting(pool, cands, ctx, keyOf);
  const why = last === 0 ? `never had a lead on line ${line}; first such member in pool order` : `waited longest on line ${line} (last lead #${last})`;
  reasons.push({ code, repId: winner.rep.id, poolId: pool.id, detail: why });
  ctx.picks.push({ poolId: pool.id, strategy: pool.pool.strategy, candidates: figures, winner: winner.rep.id, why });
  const outcome: Outcome = { kind: 'rep', rep: winner.rep, code, poolId: pool.id, line: { seqKey: pool.seqKey, lastKey: pool.lastKeys[winner.index]! } };
  if (pool.pool.countsTowardCaps === false) outcome.uncapped = true;
  return outcome;
}

export function pickRoundRobin(pool: CompiledPool, cands: Candidates, ctx: DecideContext, reasons: Reason[]): Outcome {
  return pickInLine(pool, cands, ctx, reasons, 'ROUND_ROBIN_NEXT', pool.line, (c) => pool.lastKeys[c.index]!);
}

export function pickLeastRecentlyAssigned(pool: CompiledPool, cands: Candidates, ctx: DecideContext, reasons: Reason[]): Outcome {
  return pickInLine(pool, cands, ctx, reasons, 'LEAST_RECENTLY_ASSIGNED', 'all', (c) => c.rep.globalLastKey);
}
