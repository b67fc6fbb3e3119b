// A rep's schedule compiled from config: spans per weekday in minutes, date overrides, holidays
// (their own and their calendars') and time off. Everything is read against the rep's own local
// time (see local-time.ts), so "09:00-17:00" in America/New_York means 9 to 5 there on both sides
// of a DST change. Every end is exclusive: a span 09:00-17:00 ends at 17:00:00, an away range
// ending at 12:30 (an instant) ends at 12:30:00, one ending on a date ends at the next midnight.
import type { LocalTime } from './local-time.js';
import type { Rep } from './rep-schema.js';
import {
  weekdays,
  type DateOverride,
  type HolidayCalendar,
  type ScheduleConfig,
  type WorkingHours,
} from './schedule-schema.js';

type Span = readonly [startMinute: number, endMinute: number];
/** One end of a time-off range: a local date (whole day) or an instant. */
type Bound = { date: string } | { ms: number };

export interface Schedule {
  /** Per weekday (0 = Monday); undefined = no working hours configured, always on. */
  spans: ReadonlyArray<readonly Span[]> | undefined;
  /** Date -> that date's spans instead of the week's (`hours` overrides). */
  dateSpans: ReadonlyMap<string, readonly Span[]>;
  /** Date -> spans worked on top of the week's (`extraHours` overrides). */
  extraSpans: ReadonlyMap<string, readonly Span[]>;
  /** Date -> how the trace names it ("holiday 2026-12-25 (Christmas Day, calendar de)"). */
  holidays: ReadonlyMap<string, string>;
  away: ReadonlyArray<{ from: Bound; to: Bound; label: string }>;
}

/** The shared pieces a rep may name by id (routing.schedules, routing.holidayCalendars). */
export interface SharedSchedules {
  schedules: ReadonlyMap<string, ScheduleConfig>;
  calendars: ReadonlyMap<string, HolidayCalendar>;
}

export const noSharedSchedules: SharedSchedules = { schedules: new Map(), calendars: new Map() };

export function sharedSchedulesOf(config: {
  schedules?: readonly ScheduleConfig[];
  holidayCalendars?: readonly HolidayCalendar[];
}): SharedSchedules {
  return {
    schedules: new Map((config.schedules ?? []).map((s) => [s.id, s])),
    calendars: new Map((config.holidayCalendars ?? []).map((c) => [c.id, c])),
  };
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const parseSpan = (text: string): Span => [minutes(text.slice(0, 5)), minutes(text.slice(6))];
const byStart = (a: Span, b: Span) => a[0] - b[0];

function bound(value: string): Bound {
  return value.length === 10 ? { date: value } : { ms: Date.parse(value) };
}

/** A night shift (end before start) is split at midnight: the rest belongs to the next weekday. */
function spansPerWeekday(hours: WorkingHours): Span[][] {
  const days: Span[][] = weekdays.map(() => []);
  weekdays.forEach((d, i) => {
    for (const text of hours[d] ?? []) {
      const [start, end] = parseSpan(text);
      if (end > start) days[i]!.push([start, end]);
      else {
        days[i]!.push([start, 24 * 60]);
        if (end > 0) days[(i + 1) % 7]!.push([0, end]);
      }
    }
  });
  return days.map((spans) => spans.sort(byStart));
}

function addOverrides(
  overrides: readonly DateOverride[],
  dateSpans: Map<string, Span[]>,
  extraSpans: Map<string, Span[]>,
) {
  for (const o of overrides) {
    // A rep's override replaces the schedule's for the same date, whichever kind either is.
    dateSpans.delete(o.date);
    extraSpans.delete(o.date);
    if (o.hours) dateSpans.set(o.date, o.hours.map(parseSpan).sort(byStart));
    else if (o.extraHours) extraSpans.set(o.date, o.extraHours.map(parseSpan).sort(byStart));
  }
}

/**
 * The rep's own hours, or the shared schedule they name. A schedule id that does not exist
 * (validation refuses it) compiles to no hours at all: never assigned, rather than always on.
 */
export function compileSchedule(rep: Rep, shared: SharedSchedules = noSharedSchedules): Schedule {
  const named = rep.schedule === undefined ? undefined : shared.schedules.get(rep.schedule);
  const hours = rep.schedule === undefined ? rep.workingHours : (named?.workingHours ?? {});
  const dateSpans = new Map<string, Span[]>();
  const extraSpans = new Map<string, Span[]>();
  if (named) addOverrides(named.overrides, dateSpans, extraSpans);
  addOverrides(rep.overrides, dateSpans, extraSpans);
  const holidays = new Map<string, string>();
  for (const calId of rep.holidayCalendars) {
    for (const entry of shared.calendars.get(calId)?.dates ?? []) {
      const { date, name } = typeof entry === 'string' ? { date: entry, name: undefined } : entry;
      if (!holidays.has(date)) holidays.set(date, `holiday ${date} (${name ? `${name}, ` : ''}calendar ${calId})`);
    }
  }
  for (const date of rep.holidays) holidays.set(date, `holiday ${date}`);
  return {
    spans: hours && spansPerWeekday(hours),
    dateSpans,
    extraSpans,
    holidays,
    away: rep.away.map((a) => ({
      from: bound(a.from),
      to: bound(a.to),
      label: `${a.from}..${a.to}${a.note ? ` (${a.note})` : ''}`,
    })),
  };
}

const allDay: readonly Span[] = [[0, 24 * 60]];
const none: readonly Span[] = [];

/**
 * The spans worked on a local date: an `hours` override, else the week's spans for the weekday
 * (none on a holiday) plus any `extraHours`. Always on (no hours configured) is one 24 h span.
 */
export function spansOn(s: Schedule, date: string, weekday: number): readonly Span[] {
  // Most reps have no dated entries at all: skip the three lookups on the hot path.
  if (s.dateSpans.size === 0 && s.extraSpans.size === 0 && s.holidays.size === 0)
    return s.spans ? (s.spans[weekday] ?? none) : allDay;
  const replaced = s.dateSpans.get(date);
  if (replaced) return replaced;
  const weekly = s.holidays.has(date) ? none : s.spans ? (s.spans[weekday] ?? none) : allDay;
  const extra = s.extraSpans.get(date);
  return extra ? [...weekly, ...extra].sort(byStart) : weekly;
}

function afterStart(b: Bound, local: LocalTime, nowMs: number): boolean {
  return 'date' in b ? local.date >= b.date : nowMs >= b.ms;
}

/** A date end covers its whole day; an instant end is exclusive, like a working-hours span. */
function beforeEnd(b: Bound, local: LocalTime, nowMs: number): boolean {
  return 'date' in b ? local.date <= b.date : nowMs < b.ms;
}

/**
 * The time-off range covering now, as text for the trace; undefined when not away. `startedBy`
 * filters ranges: only those that had begun by then count (a rep marked back early cancels the
 * ranges running at that moment, not the ones still to come).
 */
export function awayRange(
  s: Schedule,
  local: LocalTime,
  nowMs: number,
  startedBy?: { local: LocalTime; ms: number },
): string | undefined {
  for (const a of s.away) {
    if (!afterStart(a.from, local, nowMs) || !beforeEnd(a.to, local, nowMs)) continue;
    if (startedBy && afterStart(a.from, startedBy.local, startedBy.ms)) continue;
    return a.label;
  }
  return undefined;
}

export type OffHours = { holiday: boolean; detail: string };

/** Why the rep is off the clock now (a holiday, or outside today's spans); undefined when working. */
export function offHours(s: Schedule, local: LocalTime): OffHours | undefined {
  const today = spansOn(s, local.date, local.weekday);
  for (const [start, end] of today) if (local.minuteOfDay >= start && local.minuteOfDay < end) return undefined;
  const holiday = s.holidays.get(local.date);
  if (holiday !== undefined && !s.dateSpans.has(local.date) && !s.extraSpans.has(local.date))
    return { holiday: true, detail: holiday };
  const hhmm = `${String(Math.floor(local.minuteOfDay / 60)).padStart(2, '0')}:${String(local.minuteOfDay % 60).padStart(2, '0')}`;
  const why = s.dateSpans.has(local.date)
    ? ` on ${local.date} (override)`
    : holiday !== undefined
      ? ` on ${holiday}`
      : '';
  return { holiday: false, detail: `${weekdays[local.weekday]} ${hhmm} local is outside working hours${why}` };
}
