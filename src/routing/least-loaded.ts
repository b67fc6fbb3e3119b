// Least loaded: the candidate with the lowest load, where load is (pool.loadBy)
//  - open (default): open leads (counter rep:<id>:open, which the caller decrements when a lead
//    closes or moves);
//  - open_ratio: open leads divided by the rep's maxOpen, so 5 of 10 is busier than 6 of 20
//    (compared as open_a * max_b < open_b * max_a: integers, no float ties);
//  - assignments: leads this pool's line gave the rep in pool.period (day/week/month in the
//    pool's zone, or all_time).
// Ties go to the rep idle longest (smallest place on the line "all": the oldest last lead by any
// route), then configured order.
// Choice made: load is real work, so a new or returning rep with an empty book does get the next
// leads until level with the pool; their caps (and maxOpen) bound that catch-up.
import type { CompiledPool } from './compile.js';
import { counter, type DecideContext } from './context.js';
import type { Outcome } from './outcome.js';
import { picked, type Candidate, type Candidates } from './pool-members.js';
import type { CandidateTrace, Reason } from './types.js';

export function pickLeastLoaded(pool: CompiledPool, cands: Candidates, ctx: DecideContext, reasons: Reason[]): Outcome {
  const by = pool.pool.loadBy ?? 'open';
  const countKeys = by === 'assignments' ? pool.countKeys(pool.periodOf(ctx.now)) : undefined;
  const tiers = pool.pool.priority !== undefined;
  const figures: CandidateTrace[] = [];
  let best: Candidate = cands.list[0]!;
  let bestLoad = Infinity;
  let bestMax = 1;
  let bestIdle = Infinity;
  let tie: '' | 'idle' | 'order' = '';
  for (const c of cands.list) {
    const load = countKeys ? counter(ctx, countKeys[c.index]!) : counter(ctx, c.rep.openKey);
    // open_ratio needs maxOpen (validation says so); a rep without one compares as maxOpen 1.
    const max = by === 'open_ratio' ? Math.max(1, c.rep.rep.maxOpen ?? 1) : 1;
    const f: CandidateTrace = { repId: c.rep.id, load };
    if (by === 'open_ratio') f.maxOpen = max;
    if (tiers) f.priority = pool.priorities[c.index]!;
    figures.push(f);
    const cmp = load * bestMax - bestLoad * max;
    if (cmp < 0 || bestLoad === Infinity) {
      best = c;
      bestLoad = load;
      bestMax = max;
      bestIdle = Number.NaN; // read only if someone ties (a counter read per candidate is not free)
      tie = '';
    } else if (cmp === 0) {
      if (Number.isNaN(bestIdle)) bestIdle = counter(ctx, best.rep.globalLastKey);
      const idle = counter(ctx, c.rep.globalLastKey);
      f.place = idle;
      if (idle !== bestIdle) tie = 'idle';
      else if (tie === '') tie = 'order';
      if (idle < bestIdle) {
        best = c;
        bestLoad = load;
        bestMax = max;
        bestIdle = idle;
      }
    }
  }
  // The tied figures show their place on the line of all leads (idle time); the first of them too.
  if (tie !== '')
    for (const f of figures)
      if (f.place === undefined && f.load! * bestMax === bestLoad * (f.maxOpen ?? 1))
        f.place = counter(ctx, ctx.compiled.reps.get(f.repId)!.globalLastKey);
  const unit =
    by === 'assignments'
      ? ` lead(s) this ${pool.pool.period === undefined || pool.pool.period === 'all_time' ? 'pool ever' : pool.pool.period}`
      : by === 'open_ratio'
        ? `/${bestMax} open`
        : ' open';
  const why = `lowest load ${bestLoad}${unit}${tie === 'idle' ? `; tie broken by idle time (place ${bestIdle} on the line of all leads, the longest waiting)` : tie === 'order' ? '; tie broken by pool order' : ''}`;
  return picked(pool, ctx, reasons, best, 'LEAST_LOADED', why, figures, {
    line: { seqKey: pool.seqKey, lastKey: pool.lastKeys[best.index]! },
    ...(countKeys && { counterDeltas: { [countKeys[best.index]!]: 1 } }),
  });
}
