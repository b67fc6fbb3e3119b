// Least loaded: the eligible member with the fewest open leads (counter rep:<id>:open, which the
// caller decrements when a lead closes or moves). Ties go to configured order.
// Choice made: load is real open work, so a new or returning rep with an empty book does get
// the next leads until level with the pool; their capPerDay (and maxOpen) bound that catch-up.
import type { CompiledPool, CompiledRep } from './compile.js';
import { counter, type DecideContext, type Needs } from './context.js';
import type { Outcome } from './outcome.js';
import { checkMember } from './pool-members.js';
import type { Reason } from './types.js';

export function pickLeastLoaded(pool: CompiledPool, ctx: DecideContext, needs: Needs, reasons: Reason[]): Outcome | undefined {
  let best: CompiledRep | undefined;
  let bestOpen = Infinity;
  for (let i = 0; i < pool.members.length; i++) {
    const m = checkMember(pool, i, ctx, needs);
    if (m.skip) {
      reasons.push(m.skip);
      continue;
    }
    const open = counter(ctx, m.rep.openKey);
    if (open < bestOpen) {
      bestOpen = open;
      best = m.rep;
    }
  }
  if (!best) return undefined;
  reasons.push({ code: 'LEAST_LOADED', repId: best.id, poolId: pool.id, detail: `${bestOpen} open` });
  return { kind: 'rep', rep: best, code: 'LEAST_LOADED', poolId: pool.id };
}
