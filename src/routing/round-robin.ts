// Round robin is a line, not a position. Each member's place is a number stored per rep on the
// pool's line (counter line:<line>:last:<rep>); the available member with the smallest number --
// who has waited longest -- takes the lead and goes to the back (the line's next number). So a
// member skipped while unavailable keeps their place and is next when back; removing members
// moves nobody; and since places are stored per rep, not as an index, they survive config versions.
// Places are handed out the first time a pick on the line sees a member without one (unavailable
// members too):
//  - on a new line, everyone lines up in pool order (after a pre-upgrade cursor, if the pool had
//    one, so the upgrade does not restart the rotation), with places below 1; a rotationGroup's
//    line holds every grouped pool's members, in config order;
//  - on a line with history, a newcomer joins at the back, so adding a member (even first in the
//    list) never hands them the next lead ahead of people already waiting.
// least_recently_assigned is the same walk over the line "all", on which every lead the rep got by
// any route (named rep, account owner, other pools) sends them to the back.
import type { CompiledPool } from './compile.js';
import { counter, type DecideContext } from './context.js';
import { globalLine, lineSeqKey } from './counter-keys.js';
import type { Outcome } from './outcome.js';
import type { Candidates } from './pool-members.js';
import type { CandidateTrace, ChoiceCode, Reason } from './types.js';

const globalSeqKey = lineSeqKey(globalLine);

/** The places a pick reads: every member of the line (keys), where each pool member sits in it, and where pool order starts. */
interface LineView {
  keys: readonly string[];
  /** Pool member position -> index in keys. */
  indexOf: readonly number[] | undefined;
  /** Index in keys that lines up first on a new line. */
  start: number;
}

function pickInLine(pool: CompiledPool, cands: Candidates, ctx: DecideContext, reasons: Reason[], code: ChoiceCode, line: string, seqKey: string, view: LineView): Outcome {
  const { keys, indexOf, start } = view;
  const n = keys.length;
  const seqRead = counter(ctx, seqKey);
  let seq = seqRead;
  const deltas: Record<string, number> = {};
  // A missing place reads as 0, never a real place; a placed newcomer's delta is taken from 0.
  const places = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const place = counter(ctx, keys[i]!);
    if (place !== 0) places[i] = place;
    else if (seqRead === 0) places[i] = deltas[keys[i]!] = ((i - start + n) % n) - n; // a new line: pool order, all below 1
    else places[i] = deltas[keys[i]!] = ++seq; // a newcomer on a line with history: the back
  }

  const tiers = pool.pool.priority !== undefined;
  const figures: CandidateTrace[] = [];
  let winner = cands.list[0]!;
  let best = Infinity;
  for (const c of cands.list) {
    const place = places[indexOf ? indexOf[c.index]! : c.index]!;
    const f: CandidateTrace = { repId: c.rep.id, place };
    if (tiers) f.priority = pool.priorities[c.index]!;
    figures.push(f);
    if (place < best) {
      winner = c;
      best = place;
    }
  }
  const next = ++seq;
  const winnerKey = keys[indexOf ? indexOf[winner.index]! : winner.index]!;
  deltas[winnerKey] = next - counter(ctx, winnerKey);
  deltas[seqKey] = next - seqRead;
  const why = best < 1 ? `first in line on ${line} (no lead on it yet)` : `waited longest on line ${line} (place ${best})`;
  reasons.push({ code, repId: winner.rep.id, poolId: pool.id, detail: why });
  ctx.picks.push({ poolId: pool.id, strategy: pool.pool.strategy, candidates: figures, winner: winner.rep.id, why });
  const outcome: Outcome = { kind: 'rep', rep: winner.rep, code, poolId: pool.id, counterDeltas: deltas };
  if (line === globalLine) {
    outcome.movedGlobal = true;
    outcome.line = { seqKey: pool.seqKey, lastKey: pool.lastKeys[winner.index]! };
  }
  if (pool.pool.countsTowardCaps === false) outcome.uncapped = true;
  return outcome;
}

/** Where a pool that had a position cursor before the upgrade starts its new line (after that member). */
function legacyStart(pool: CompiledPool, ctx: DecideContext): number {
  const cursor = ctx.state.cursors[pool.id] ?? -1;
  return cursor >= 0 ? (cursor + 1) % pool.members.length : 0;
}

export function pickRoundRobin(pool: CompiledPool, cands: Candidates, ctx: DecideContext, reasons: Reason[]): Outcome {
  const grouped = pool.pool.rotationGroup !== undefined;
  const view = grouped ? { keys: pool.lineKeys, indexOf: pool.lineIndex, start: 0 } : { keys: pool.lastKeys, indexOf: undefined, start: legacyStart(pool, ctx) };
  return pickInLine(pool, cands, ctx, reasons, 'ROUND_ROBIN_NEXT', pool.line, pool.seqKey, view);
}

export function pickLeastRecentlyAssigned(pool: CompiledPool, cands: Candidates, ctx: DecideContext, reasons: Reason[]): Outcome {
  return pickInLine(pool, cands, ctx, reasons, 'LEAST_RECENTLY_ASSIGNED', globalLine, globalSeqKey, { keys: pool.globalLastKeys, indexOf: undefined, start: legacyStart(pool, ctx) });
}
