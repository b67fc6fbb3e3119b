// Round robin over the full member list. The cursor is the index of the member chosen last;
// the next lead goes to the first member after it who can take one. Members who cannot are
// skipped and keep their place: they are not owed the leads they missed, and a rep added to
// the list simply joins the rotation at their position (no flood, nothing reset).
import type { CompiledPool } from './compile.js';
import type { DecideContext, Needs } from './context.js';
import type { Outcome } from './outcome.js';
import { checkMember } from './pool-members.js';
import type { Reason } from './types.js';

export function pickRoundRobin(pool: CompiledPool, ctx: DecideContext, needs: Needs, reasons: Reason[]): Outcome | undefined {
  const n = pool.members.length;
  const cursor = ctx.state.cursors[pool.id] ?? -1;
  for (let step = 1; step <= n; step++) {
    const index = (((cursor + step) % n) + n) % n;
    const m = checkMember(pool, index, ctx, needs);
    if (m.skip) {
      reasons.push(m.skip);
      continue;
    }
    reasons.push({ code: 'ROUND_ROBIN_NEXT', repId: m.rep.id, poolId: pool.id, detail: `position ${index + 1} of ${n}, after ${cursor < 0 ? 'start' : `position ${(((cursor % n) + n) % n) + 1}`}` });
    return { kind: 'rep', rep: m.rep, code: 'ROUND_ROBIN_NEXT', poolId: pool.id, cursor: index };
  }
  return undefined;
}
