// When does a rep's time to claim a lead run out? Either plain elapsed minutes, or only the
// minutes the rep works: read in the rep's own zone, skipping days without spans and holidays,
// so "60 working minutes" from Friday 16:30 in Berlin (hours 09:00-17:00) ends Monday 09:30.
//
// DST: spans are wall-clock times in the rep's zone, and the minutes counted are real minutes
// spent inside them. A span's start and end are turned into instants with the zone's offset at
// that moment (see instantOf), and a span is counted up to an offset change at most before its
// wall time is read again, so a span that crosses a change counts its true length, a repeated
// hour counts twice where it is working time, and a deadline never lands an hour early or late. Time off (`away`) does not stop the clock: a lead
// left with a rep who is out should move on, not wait for their return.
// Resolution is one minute; seconds of assignedAt are carried when it falls in working time.
import type { Rep } from './rep-schema.js';
import { zoneClock, type LocalTime, type ZoneClock } from './local-time.js';
import { compileSchedule, sharedSchedulesOf, spansOn, type Schedule } from './working-hours.js';
import type { RoutingConfig } from './config-schema.js';

const minuteMs = 60_000;
const dayMs = 86_400_000;
/** How far ahead to look for the next working minute before giving up (a schedule with no spans). */
const lookAheadDays = 400;

/** Wall-clock time of a local reading as if it were UTC: comparable, and differences are wall minutes. */
function wallMs(local: LocalTime): number {
  return Date.parse(`${local.date}T00:00:00Z`) + local.minuteOfDay * minuteMs;
}

const wallAt = (clock: ZoneClock, t: number) => wallMs(clock.at(new Date(t)));
/** The zone's offset from UTC at t, in ms (t minute-aligned). */
const offsetAt = (clock: ZoneClock, t: number) => wallAt(clock, t) - t;

/** The first instant whose wall-clock time in the zone is at or after `targetWall` (near `hint`). */
function instantOf(clock: ZoneClock, targetWall: number, hint: number): number {
  const offset = (t: number) => offsetAt(clock, t);
  let guess = targetWall - offset(hint);
  for (let i = 0; i < 4; i++) {
    const next = targetWall - offset(guess);
    if (next === guess) return guess;
    guess = next;
  }
  // No fixed point: the target falls in a spring-forward gap (02:30 that never happens), so the
  // two offsets alternate. Work then starts at the first minute that exists after it.
  let lo = Math.min(guess, targetWall - offset(guess));
  let hi = Math.max(guess, targetWall - offset(guess));
  while (hi - lo > minuteMs) {
    const mid = lo + Math.floor((hi - lo) / 2 / minuteMs) * minuteMs;
    if (wallAt(clock, mid) >= targetWall) hi = mid;
    else lo = mid;
  }
  return wallAt(clock, lo) >= targetWall ? lo : hi;
}

/**
 * The first offset change in (from, to), or `to`. A span is counted one offset at a time: when
 * clocks go back inside it, the repeated wall time may fall outside the span (a span ending at
 * 03:00 on the night 03:00 becomes 02:00), and the loop must look again after the change.
 */
function untilOffsetChange(clock: ZoneClock, from: number, to: number): number {
  const before = offsetAt(clock, from);
  if (to - from <= minuteMs || offsetAt(clock, to - minuteMs) === before) return to;
  let lo = from; // offset still `before`
  let hi = to - minuteMs; // offset changed
  while (hi - lo > minuteMs) {
    const mid = lo + Math.floor((hi - lo) / 2 / minuteMs) * minuteMs;
    if (offsetAt(clock, mid) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** The working span containing this local minute (end, in wall minutes of the day), or undefined. */
function spanEndAt(s: Schedule, local: LocalTime): number | undefined {
  for (const [start, end] of spansOn(s, local.date, local.weekday))
    if (local.minuteOfDay >= start && local.minuteOfDay < end) return end;
  return undefined;
}

/** Wall time (as UTC ms) of the next span start after this local minute; undefined when none within lookAheadDays. */
function nextSpanStart(s: Schedule, local: LocalTime): number | undefined {
  const midnight = Date.parse(`${local.date}T00:00:00Z`);
  for (let d = 0; d <= lookAheadDays; d++) {
    const dayStart = midnight + d * dayMs;
    const date = new Date(dayStart).toISOString().slice(0, 10);
    const weekday = (local.weekday + d) % 7;
    for (const [start] of spansOn(s, date, weekday)) {
      if (d > 0 || start > local.minuteOfDay) return dayStart + start * minuteMs;
    }
  }
  return undefined;
}

/**
 * The instant `minutes` after `assignedAt`: elapsed minutes, or with `workingHours` only the
 * minutes the rep works. A rep with no working hours configured works around the clock except
 * holidays. `shared` holds the schedules and holiday calendars the rep may name (the routing
 * config). An invalid zone or a schedule with no working time within a year falls back to
 * elapsed minutes rather than a deadline that never comes (validation reports both).
 */
export function slaDeadline(
  assignedAt: Date,
  minutes: number,
  rep: Rep,
  workingHours = false,
  shared?: Pick<RoutingConfig, 'schedules' | 'holidayCalendars'>,
): Date {
  const elapsed = new Date(assignedAt.getTime() + minutes * minuteMs);
  const clock = workingHours && minutes > 0 ? zoneClock(rep.timeZone) : undefined;
  if (!clock) return elapsed;
  const schedule = compileSchedule(rep, shared && sharedSchedulesOf(shared));
  const start = assignedAt.getTime();
  let t = start - (start % minuteMs);
  // Seconds count only when the clock is already running at assignment.
  let carry = spanEndAt(schedule, clock.at(new Date(t))) === undefined ? 0 : start - t;
  let need = minutes * minuteMs;
  for (let guard = 0; guard < 10 * lookAheadDays; guard++) {
    const local = clock.at(new Date(t));
    const end = spanEndAt(schedule, local);
    if (end === undefined) {
      const next = nextSpanStart(schedule, local);
      if (next === undefined) return elapsed;
      t = Math.max(instantOf(clock, next, t), t + minuteMs);
      continue;
    }
    const endAt = untilOffsetChange(
      clock,
      t,
      instantOf(clock, Date.parse(`${local.date}T00:00:00Z`) + end * minuteMs, t),
    );
    const from = t + carry;
    const available = Math.max(endAt - from, 0);
    if (need <= available) return new Date(from + need);
    need -= available;
    // An end inside a repeated (fall-back) hour can resolve behind us: step a minute, never back.
    t = Math.max(endAt, t + minuteMs);
    carry = 0;
  }
  return elapsed;
}

/**
 * The first instant at or after `at` inside the rep's working hours: `at` itself when they work
 * then (or have no hours: around the clock). Holidays count as off; time off (`away`) does not,
 * as for the SLA clock. Used for quiet hours (notifications wait for the rep's next working minute).
 */
export function nextWorkingInstant(
  at: Date,
  rep: Rep,
  shared?: Pick<RoutingConfig, 'schedules' | 'holidayCalendars'>,
): Date {
  const clock = zoneClock(rep.timeZone);
  if (!clock) return at;
  const schedule = compileSchedule(rep, shared && sharedSchedulesOf(shared));
  const local = clock.at(at);
  if (spanEndAt(schedule, local) !== undefined) return at;
  const next = nextSpanStart(schedule, local);
  return next === undefined ? at : new Date(Math.max(instantOf(clock, next, at.getTime()), at.getTime()));
}
