// Each rep's fair target in a pool over a period (docs/reports.md, Distribution). Pure:
//   share(r)  = weight(r) x availability(r)
//   target(r) = leads assigned by the pool in the period x share(r) / sum of the members' shares
//   shortfall = target - leads (positive: the rep got fewer than a fair share; negative: more)
// weight: the pool's weight for the rep, else rep.weight, in a weighted_round_robin pool; 1 in
// every other strategy (they aim at equal counts). availability: the fraction of the period the
// rep was not away (config `away` ranges, dates as whole UTC days, and the availability API's
// away/back history); 0 for an inactive rep. Working hours are not counted: a pool's members
// usually share them, and they would make every target follow the clock.
import type { Pool, RoutingConfig } from '../routing/index.js';

export interface AvailabilityChange {
  repId: string;
  status: string;
  awayUntil: Date | null;
  changedAt: Date;
}

export interface RepTarget {
  rep: string;
  leads: number;
  /** weight x availability, before normalising. */
  weight: number;
  availability: number;
  target: number;
  shortfall: number;
}

type Interval = [number, number];
const dayMs = 86_400_000;
const round2 = (n: number) => Math.round(n * 100) / 100;
const isDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s);

/** A config away range in ms: a date starts at 00:00 UTC, and an end date is inclusive (to the next midnight). */
function configRange(r: { from: string; to: string }): Interval {
  const from = Date.parse(isDate(r.from) ? `${r.from}T00:00:00Z` : r.from);
  const to = isDate(r.to) ? Date.parse(`${r.to}T00:00:00Z`) + dayMs : Date.parse(r.to);
  return [from, to];
}

/** The API's away periods of one rep from its change history (oldest first): away from the change until its end, the next change, or forever. */
function apiRanges(changes: AvailabilityChange[]): Interval[] {
  const out: Interval[] = [];
  changes.forEach((c, i) => {
    if (c.status !== 'away') return;
    const next = changes[i + 1]?.changedAt.getTime() ?? Infinity;
    out.push([c.changedAt.getTime(), Math.min(c.awayUntil?.getTime() ?? Infinity, next)]);
  });
  return out;
}

/** The fraction of [from, to) covered by none of the intervals. */
export function availableFraction(intervals: Interval[], from: number, to: number): number {
  const span = to - from;
  if (span <= 0) return 0;
  const clipped = intervals
    .map(([a, b]): Interval => [Math.max(a, from), Math.min(b, to)])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let away = 0;
  let end = from;
  for (const [a, b] of clipped) {
    const start = Math.max(a, end);
    if (b > start) away += b - start;
    end = Math.max(end, b);
  }
  return Math.max(0, 1 - away / span);
}

function weightIn(pool: Pool, rep: RoutingConfig['reps'][number] | undefined): number {
  if (!rep) return 0;
  if (pool.strategy !== 'weighted_round_robin') return 1;
  return pool.weights?.[rep.id] ?? rep.weight;
}

/**
 * One pool's reps: every member of the pool in `config`, and anyone else who got its leads in the
 * period (target 0: not a member now). In member order, then the others by id.
 */
export function poolTargets(
  config: RoutingConfig,
  pool: Pool,
  leadsByRep: Map<string, number>,
  changes: AvailabilityChange[],
  period: { from: Date; to: Date },
): RepTarget[] {
  const from = period.from.getTime();
  const to = period.to.getTime();
  const reps = new Map(config.reps.map((r) => [r.id, r]));
  const others = [...leadsByRep.keys()].filter((id) => !pool.members.includes(id)).sort();
  const rows = [...pool.members, ...others].map((id) => {
    const rep = reps.get(id);
    const member = pool.members.includes(id);
    const availability =
      !member || !rep || !rep.active
        ? 0
        : availableFraction(
            [...rep.away.map(configRange), ...apiRanges(changes.filter((c) => c.repId === id))],
            from,
            to,
          );
    return { rep: id, leads: leadsByRep.get(id) ?? 0, weight: member ? weightIn(pool, rep) : 0, availability };
  });
  const total = rows.reduce((n, r) => n + r.leads, 0);
  const shares = rows.reduce((n, r) => n + r.weight * r.availability, 0);
  return rows.map((r) => {
    const target = shares > 0 ? (total * r.weight * r.availability) / shares : 0;
    return { ...r, availability: round2(r.availability), target: round2(target), shortfall: round2(target - r.leads) };
  });
}
