// Pool checks for the fairness options (docs/routing.md "Fairness"): options that only mean
// something for some strategies, priority tiers naming members, the zone periods start in, and
// open_ratio's need for a ceiling on every member. Each issue names the path to fix.
import { didYouMean } from '../lead/index.js';
import type { Pool, Rep } from './config-schema.js';
import { isValidTimeZone } from './local-time.js';
import type { ConfigIssue } from './validate-rules.js';

export function checkPoolFairness(
  p: Pool,
  path: string,
  reps: ReadonlyArray<Rep | undefined>,
  out: ConfigIssue[],
): void {
  const members = new Set(p.members);
  for (const m of Object.keys(p.priority ?? {})) {
    if (!members.has(m))
      out.push({
        path: `${path}.priority[${JSON.stringify(m)}]`,
        message: `"${m}" is not a member of this pool${didYouMean(m, p.members)}`,
      });
  }
  if (p.timeZone !== undefined && !isValidTimeZone(p.timeZone))
    out.push({ path: `${path}.timeZone`, message: `"${p.timeZone}" is not an IANA time zone` });
  const counts = p.strategy === 'weighted_round_robin' || (p.strategy === 'least_loaded' && p.loadBy === 'assignments');
  if (p.period !== undefined && !counts) {
    out.push({
      path: `${path}.period`,
      message: 'only weighted_round_robin and least_loaded with loadBy: assignments count within a period',
    });
  }
  if (p.loadBy !== undefined && p.strategy !== 'least_loaded')
    out.push({ path: `${path}.loadBy`, message: 'only least_loaded pools measure load' });
  if (p.loadBy === 'open_ratio') {
    p.members.forEach((m, j) => {
      const rep = reps.find((r) => r?.id === m);
      if (rep && rep.maxOpen === undefined)
        out.push({
          path: `${path}.members[${j}]`,
          message: `loadBy open_ratio divides by maxOpen, and rep "${m}" has none`,
        });
    });
  }
}
