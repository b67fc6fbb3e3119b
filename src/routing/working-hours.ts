// A rep's schedule compiled from config: spans per weekday in minutes, holidays and time off.
// Everything is read against the rep's own local time (see local-time.ts), so "09:00-17:00" in
// America/New_York means 9 to 5 there on both sides of a DST change.
import type { LocalTime } from './local-time.js';
import { weekdays, type Rep } from './rep-schema.js';

type Span = readonly [startMinute: number, endMinute: number];
/** One end of a time-off range: a local date (whole day, inclusive) or an instant. */
type Bound = { date: string } | { ms: number };

export interface Schedule {
  /** Per weekday (0 = Monday); undefined = no working hours configured, always on. */
  spans: ReadonlyArray<readonly Span[]> | undefined;
  holidays: ReadonlySet<string>;
  away: ReadonlyArray<{ from: Bound; to: Bound; label: string }>;
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

function bound(value: string): Bound {
  return value.length === 10 ? { date: value } : { ms: Date.parse(value) };
}

/** A night shift (end before start) is split at midnight: the rest belongs to the next weekday. */
function spansPerWeekday(hours: NonNullable<Rep['workingHours']>): Span[][] {
  const days: Span[][] = weekdays.map(() => []);
  weekdays.forEach((d, i) => {
    for (const text of hours[d] ?? []) {
      const [start, end] = [minutes(text.slice(0, 5)), minutes(text.slice(6))];
      if (end > start) days[i]!.push([start, end]);
      else {
        days[i]!.push([start, 24 * 60]);
        if (end > 0) days[(i + 1) % 7]!.push([0, end]);
      }
    }
  });
  return days.map((spans) => spans.sort((a, b) => a[0] - b[0]));
}

export function compileSchedule(rep: Rep): Schedule {
  const hours = rep.workingHours;
  return {
    spans: hours && spansPerWeekday(hours),
    holidays: new Set(rep.holidays),
    away: rep.away.map((a) => ({ from: bound(a.from), to: bound(a.to), label: `${a.from}..${a.to}${a.note ? ` (${a.note})` : ''}` })),
  };
}

function afterStart(b: Bound, local: LocalTime, nowMs: number): boolean {
  return 'date' in b ? local.date >= b.date : nowMs >= b.ms;
}

function beforeEnd(b: Bound, local: LocalTime, nowMs: number): boolean {
  return 'date' in b ? local.date <= b.date : nowMs <= b.ms;
}

/** The time-off range covering now, as text for the trace; undefined when not away. */
export function awayRange(s: Schedule, local: LocalTime, nowMs: number): string | undefined {
  for (const a of s.away) if (afterStart(a.from, local, nowMs) && beforeEnd(a.to, local, nowMs)) return a.label;
  return undefined;
}

/** Why the rep is off the clock now (holiday or outside today's spans); undefined when working. */
export function offHours(s: Schedule, local: LocalTime): string | undefined {
  if (s.holidays.has(local.date)) return `holiday ${local.date}`;
  if (!s.spans) return undefined;
  const today = s.spans[local.weekday] ?? [];
  for (const [start, end] of today) if (local.minuteOfDay >= start && local.minuteOfDay < end) return undefined;
  const hhmm = `${String(Math.floor(local.minuteOfDay / 60)).padStart(2, '0')}:${String(local.minuteOfDay % 60).padStart(2, '0')}`;
  return `${weekdays[local.weekday]} ${hhmm} local is outside working hours`;
}
