// When a lead changes hands outside routing, the routing counters follow it, with routing's own
// keys (docs/routing.md "Counter keys"): the previous rep gives back the open lead and the day,
// week and month charge made when they got it (and the hour's, for a rep whose caps count hours);
// the new rep takes on the open lead and is charged for the day, week, month (and hour) of the
// change, each in their own zone. Without these moves a rep who had leads taken
// away would look full to least_loaded and the caps, and one handed leads would look empty.
import { countsHours, dayKey, hourKey, monthKey, openKey, weekKey, zoneClock, type Rep } from '../routing/index.js';

export interface CounterMove {
  /** The rep losing the lead, and when they got it (their day/week charge); since absent = open only. */
  from?: { rep: Rep; since?: Date | null } | undefined;
  /** The rep taking the lead, and when. */
  to?: { rep: Rep; at: Date } | undefined;
  /** false: only open loads move; the period caps charged stay where they are. */
  periods: boolean;
}

/** The cap counters routing charged (routing/caps.ts chargeCaps): hours only for a rep with an hourly or rolling cap. */
function periodKeys(rep: Rep, at: Date): string[] {
  const local = zoneClock(rep.timeZone)?.at(at);
  if (!local) return [];
  const keys = [dayKey(rep.id, local.date), weekKey(rep.id, local.isoWeek), monthKey(rep.id, local.date)];
  if (countsHours(rep)) keys.push(hourKey(rep.id, at.getTime()));
  return keys;
}

function add(deltas: Record<string, number>, key: string, by: number) {
  const next = (deltas[key] ?? 0) + by;
  if (next === 0) delete deltas[key];
  else deltas[key] = next;
}

/** Increments to apply to routing counters (missing key = 0; the caller may clamp at 0). */
export function counterDeltasForMove(move: CounterMove): Record<string, number> {
  const deltas: Record<string, number> = {};
  if (move.from) {
    add(deltas, openKey(move.from.rep.id), -1);
    if (move.periods && move.from.since) for (const k of periodKeys(move.from.rep, move.from.since)) add(deltas, k, -1);
  }
  if (move.to) {
    add(deltas, openKey(move.to.rep.id), 1);
    if (move.periods) for (const k of periodKeys(move.to.rep, move.to.at)) add(deltas, k, 1);
  }
  return deltas;
}
