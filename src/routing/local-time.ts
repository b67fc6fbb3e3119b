// Wall-clock time in a rep's IANA zone. Intl.DateTimeFormat is costly to build and
// formatToParts is the slow part of a decision, so each zone gets one formatter and remembers
// the last minute it converted: zone offsets only change on minute boundaries, so every
// decision within the same minute reuses the answer.
export interface LocalTime {
  /** YYYY-MM-DD in the zone. */
  date: string;
  /** 0 = Monday ... 6 = Sunday. */
  weekday: number;
  /** Minutes since local midnight, 0..1439. */
  minuteOfDay: number;
  /** ISO 8601 week, e.g. 2026-W48 (the year is the ISO week-year). */
  isoWeek: string;
}

const dayMs = 86_400_000;
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Monday-based weekday and ISO week of a calendar date (pure arithmetic on UTC days). */
export function calendarFacts(year: number, month: number, day: number): { weekday: number; isoWeek: string } {
  const t = Date.UTC(year, month - 1, day);
  const weekday = (new Date(t).getUTCDay() + 6) % 7;
  const thursday = t + (3 - weekday) * dayMs;
  const weekYear = new Date(thursday).getUTCFullYear();
  const week = 1 + Math.floor((thursday - Date.UTC(weekYear, 0, 1)) / dayMs / 7);
  return { weekday, isoWeek: `${weekYear}-W${pad(week)}` };
}

const clocks = new Map<string, ZoneClock | undefined>();

/** One clock per zone for the process (a formatter costs ~0.5 ms to build); undefined for an unknown zone. */
export function zoneClock(timeZone: string): ZoneClock | undefined {
  if (!clocks.has(timeZone)) clocks.set(timeZone, isValidTimeZone(timeZone) ? new ZoneClock(timeZone) : undefined);
  return clocks.get(timeZone);
}

export class ZoneClock {
  private readonly format: Intl.DateTimeFormat;
  private lastMinute = Number.NaN;
  private last: LocalTime | undefined;

  /** Throws RangeError for an unknown zone: callers check isValidTimeZone first. */
  constructor(readonly timeZone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
  }

  at(now: Date): LocalTime {
    const minute = Math.floor(now.getTime() / 60_000);
    if (minute === this.lastMinute && this.last) return this.last;
    let year = 0,
      month = 0,
      day = 0,
      hour = 0,
      min = 0;
    for (const p of this.format.formatToParts(now)) {
      if (p.type === 'year') year = Number(p.value);
      else if (p.type === 'month') month = Number(p.value);
      else if (p.type === 'day') day = Number(p.value);
      else if (p.type === 'hour') hour = Number(p.value);
      else if (p.type === 'minute') min = Number(p.value);
    }
    const { weekday, isoWeek } = calendarFacts(year, month, day);
    this.last = { date: `${pad(year, 4)}-${pad(month)}-${pad(day)}`, weekday, minuteOfDay: hour * 60 + min, isoWeek };
    this.lastMinute = minute;
    return this.last;
  }
}
