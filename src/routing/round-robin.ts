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
import { counter, type DecideContext, type Needs } from './context.js';
import { globalLine, lineSeqKey } from './counter-keys.js';
import type { Outcome } from './outcome.js';
import { checkMember, picked, type Candidate, type Candidates } from './pool-members.js';
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

/** Every place on the line, newcomers placed (their deltas from 0: a missing place reads as 0, never a real place). */
function placesOn(
  view: LineView,
  seqRead: number,
  ctx: DecideContext,
  deltas: Record<string, number>,
): { places: number[]; seq: number } {
  const { keys, start } = view;
  const n = keys.length;
  let seq = seqRead;
  const places = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const place = counter(ctx, keys[i]!);
    if (place !== 0) places[i] = place;
    else if (seqRead === 0)
      places[i] = deltas[keys[i]!] = ((i - start + n) % n) - n; // a new line: pool order, all below 1
    else places[i] = deltas[keys[i]!] = ++seq; // a newcomer on a line with history: the back
  }
  return { places, seq };
}

/**
 * The member who waited longest among those who can take the lead. With `cands` (priority tiers:
 * eligibility of all was needed anyway) it chooses among them; without, it walks the line from
 * the front and checks availability only until someone can take the lead (the usual case is one
 * check), recording those ahead of the winner as passed over.
 */
function pickInLine(
  pool: CompiledPool,
  cands: Candidates | undefined,
  ctx: DecideContext,
  needs: Needs,
  reasons: Reason[],
  code: ChoiceCode,
  line: string,
  seqKey: string,
  view: LineView,
): Outcome | undefined {
  const seqRead = counter(ctx, seqKey);
  const deltas: Record<string, number> = {};
  const { places, seq } = placesOn(view, seqRead, ctx, deltas);
  const at = view.indexOf;
  // Places by pool member position (no closure: tsx wraps every closure in a naming call per creation).
  const n = pool.members.length;
  const mine = at ? new Array<number>(n) : places;
  if (at) for (let i = 0; i < n; i++) mine[i] = places[at[i]!]!;
  const figures: CandidateTrace[] = [];
  let winner: Candidate | undefined;
  let best = Infinity;
  if (cands) {
    const tiers = pool.pool.priority !== undefined;
    for (const c of cands.list) {
      const f: CandidateTrace = { repId: c.rep.id, place: mine[c.index]! };
      if (tiers) f.priority = pool.priorities[c.index]!;
      figures.push(f);
      if (mine[c.index]! < best) {
        winner = c;
        best = mine[c.index]!;
      }
    }
  } else {
    // Walk the line: the smallest place not yet checked; a checked member's place becomes Infinity (mine is this call's own array).
    for (let round = 0; round < n && !winner; round++) {
      let front = 0;
      for (let i = 1; i < n; i++) if (mine[i]! < mine[front]!) front = i;
      const place = mine[front]!;
      mine[front] = Infinity;
      const m = checkMember(pool, front, ctx, needs);
      if (m.skip) reasons.push(m.skip);
      else {
        winner = { index: front, rep: m.rep };
        best = place;
      }
    }
    if (!winner) return undefined;
    figures.push({ repId: winner.rep.id, place: best });
  }
  winner = winner!;
  const next = seq + 1;
  const winnerKey = view.keys[at ? at[winner.index]! : winner.index]!;
  deltas[winnerKey] = next - counter(ctx, winnerKey);
  deltas[seqKey] = next - seqRead;
  const why =
    best < 1 ? `first in line on ${line} (no lead on it yet)` : `waited longest on line ${line} (place ${best})`;
  // On the line "all" the strategy moved the rep there itself; decide() still moves them on the pool's line.
  const moved = line === globalLine && {
    movedGlobal: true,
    line: { seqKey: pool.seqKey, lastKey: pool.lastKeys[winner.index]! },
  };
  return picked(pool, ctx, reasons, winner, code, why, figures, { counterDeltas: deltas, ...moved });
}

/** Where a pool that had a position cursor before the upgrade starts its new line (after that member). */
function legacyStart(pool: CompiledPool, ctx: DecideContext): number {
  const cursor = ctx.state.cursors[pool.id] ?? -1;
  return cursor >= 0 ? (cursor + 1) % pool.members.length : 0;
}

export function pickRoundRobin(
  pool: CompiledPool,
  cands: Candidates | undefined,
  ctx: DecideContext,
  needs: Needs,
  reasons: Reason[],
): Outcome | undefined {
  const grouped = pool.pool.rotationGroup !== undefined;
  const view = grouped
    ? { keys: pool.lineKeys, indexOf: pool.lineIndex, start: 0 }
    : { keys: pool.lastKeys, indexOf: undefined, start: legacyStart(pool, ctx) };
  return pickInLine(pool, cands, ctx, needs, reasons, 'ROUND_ROBIN_NEXT', pool.line, pool.seqKey, view);
}

export function pickLeastRecentlyAssigned(
  pool: CompiledPool,
  cands: Candidates | undefined,
  ctx: DecideContext,
  needs: Needs,
  reasons: Reason[],
): Outcome | undefined {
  return pickInLine(pool, cands, ctx, needs, reasons, 'LEAST_RECENTLY_ASSIGNED', globalLine, globalSeqKey, {
    keys: pool.globalLastKeys,
    indexOf: undefined,
    start: legacyStart(pool, ctx),
  });
}
