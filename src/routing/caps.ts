// Caps on how many leads a rep takes: per UTC hour, per rolling window of whole hours, per day,
// week and month in the rep's zone. A pool with countsTowardCaps: false is exempt both ways: its
// leads are not counted and its members are not refused for caps (maxOpen, real open work, still
// applies; see availability.ts).
import type { CompiledRep } from './compile.js';
import { counter, type DecideContext } from './context.js';
import type { LocalTime } from './local-time.js';
import type { SkipCode } from './types.js';

export type CapSkip = { code: SkipCode; detail: string };

/** The first cap the rep is at, or undefined. */
export function capReached(rep: CompiledRep, ctx: DecideContext, local: LocalTime): CapSkip | undefined {
  const r = rep.rep;
  if (r.capPerHour !== undefined) {
    const n = counter(ctx, rep.hourKeys(ctx.nowMs, 1)[0]!);
    if (n >= r.capPerHour) return { code: 'REP_CAP_HOUR', detail: `${n}/${r.capPerHour} this hour` };
  }
  if (r.capRolling !== undefined) {
    let n = 0;
    for (const k of rep.hourKeys(ctx.nowMs, r.capRolling.hours)) n += counter(ctx, k);
    if (n >= r.capRolling.max)
      return { code: 'REP_CAP_ROLLING', detail: `${n}/${r.capRolling.max} in the last ${r.capRolling.hours} h` };
  }
  if (r.capPerDay !== undefined) {
    const n = counter(ctx, rep.periodKeys(local).day);
    if (n >= r.capPerDay) return { code: 'REP_CAP_DAY', detail: `${n}/${r.capPerDay} on ${local.date}` };
  }
  if (r.capPerWeek !== undefined) {
    const n = counter(ctx, rep.periodKeys(local).week);
    if (n >= r.capPerWeek) return { code: 'REP_CAP_WEEK', detail: `${n}/${r.capPerWeek} in ${local.isoWeek}` };
  }
  if (r.capPerMonth !== undefined) {
    const n = counter(ctx, rep.periodKeys(local).month);
    if (n >= r.capPerMonth)
      return { code: 'REP_CAP_MONTH', detail: `${n}/${r.capPerMonth} in ${local.date.slice(0, 7)}` };
  }
  return undefined;
}

/** Increments for one lead the rep took now: day and week always, month always, hours only when capped by hour. */
export function chargeCaps(rep: CompiledRep, local: LocalTime, nowMs: number, deltas: Record<string, number>): void {
  const keys = rep.periodKeys(local);
  deltas[keys.day] = (deltas[keys.day] ?? 0) + 1;
  deltas[keys.week] = (deltas[keys.week] ?? 0) + 1;
  deltas[keys.month] = (deltas[keys.month] ?? 0) + 1;
  if (rep.countsHours) {
    const hour = rep.hourKeys(nowMs, 1)[0]!;
    deltas[hour] = (deltas[hour] ?? 0) + 1;
  }
}
