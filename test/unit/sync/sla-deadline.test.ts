// slaDeadline lives in routing/ (it needs the schedule internals); its cases are SLA cases, so here.
import { describe, expect, it } from 'vitest';
import { slaDeadline } from '../../../src/routing/index.js';
import { slaDeadlineFor } from '../../../src/sync/index.js';
import { aRep, at, weekdaysHours } from '../../builders/index.js';

const berlin = aRep({
  id: 'ana',
  timeZone: 'Europe/Berlin',
  workingHours: weekdaysHours('09:00-17:00'),
  holidays: ['2026-12-24'],
});
const iso = (d: Date) => d.toISOString();

describe('slaDeadline in working minutes', () => {
  it('counts a night shift straight through midnight, and resumes at the next night', () => {
    const nights = aRep({ id: 'nia', timeZone: 'UTC', workingHours: weekdaysHours('22:00-06:00') });
    // Mon 23:30 + 60 working minutes: Tue 00:30, no break at midnight.
    expect(iso(slaDeadline(at('2026-11-23T23:30:00Z'), 60, nights, true))).toBe('2026-11-24T00:30:00.000Z');
    // Tue 05:30: 30 minutes to the end of the shift, the other 30 from Tue 22:00.
    expect(iso(slaDeadline(at('2026-11-24T05:30:00Z'), 60, nights, true))).toBe('2026-11-24T22:30:00.000Z');
  });

  it('carries Friday 16:30 Berlin + 60 working minutes over the weekend to Monday 09:30 local', () => {
    expect(iso(slaDeadline(at('2026-11-27T15:30:00Z'), 60, berlin, true))).toBe('2026-11-30T08:30:00.000Z');
  });

  it('ends inside the same span when there is time left today', () => {
    expect(iso(slaDeadline(at('2026-11-25T09:00:00Z'), 60, berlin, true))).toBe('2026-11-25T10:00:00.000Z');
  });

  it('starts the clock at the next span when assigned off hours, and drops the seconds then', () => {
    expect(iso(slaDeadline(at('2026-11-28T10:00:27Z'), 60, berlin, true))).toBe('2026-11-30T09:00:00.000Z');
    expect(iso(slaDeadline(at('2026-11-25T05:00:00Z'), 15, berlin, true))).toBe('2026-11-25T08:15:00.000Z');
  });

  it('keeps the seconds of an assignment made in working time, across the end of the day', () => {
    expect(iso(slaDeadline(at('2026-11-27T15:59:30Z'), 1, berlin, true))).toBe('2026-11-30T08:00:30.000Z');
  });

  it('skips holidays in the calendar of the rep', () => {
    // Wed 23 Dec 16:30 local; Thu 24 Dec is a holiday -> Fri 25 Dec 09:30 local.
    expect(iso(slaDeadline(at('2026-12-23T15:30:00Z'), 60, berlin, true))).toBe('2026-12-25T08:30:00.000Z');
  });

  it('is DST-correct across the spring change: Friday CET, Monday CEST, both 09:30 local', () => {
    expect(iso(slaDeadline(at('2026-03-27T15:30:00Z'), 60, berlin, true))).toBe('2026-03-30T07:30:00.000Z');
    expect(iso(slaDeadline(at('2026-03-27T15:30:00Z'), 600, berlin, true))).toBe('2026-03-31T08:30:00.000Z');
  });

  it('is DST-correct across the autumn change', () => {
    // Fri 23 Oct 17:30 CEST is after hours: Monday 26 Oct 09:00 CET + 60.
    expect(iso(slaDeadline(at('2026-10-23T15:30:00Z'), 60, berlin, true))).toBe('2026-10-26T09:00:00.000Z');
  });

  it('counts real minutes in a span that a change shortens or lengthens', () => {
    const sundays = (span: string) => aRep({ id: 's', timeZone: 'Europe/Berlin', workingHours: { sun: [span] } });
    // 29 Mar 2026 has 23 hours in Berlin: 23 working hours fill it exactly, to local midnight.
    expect(iso(slaDeadline(at('2026-03-28T12:00:00Z'), 23 * 60, sundays('00:00-24:00'), true))).toBe(
      '2026-03-29T22:00:00.000Z',
    );
    // 25 Oct 2026: 00:00-04:00 local lasts five real hours (22:00Z-03:00Z).
    expect(iso(slaDeadline(at('2026-10-24T12:00:00Z'), 299, sundays('00:00-04:00'), true))).toBe(
      '2026-10-25T02:59:00.000Z',
    );
    // Sydney, 5 Apr 2026: 03:00 AEDT becomes 02:00 AEST, so 02:30-03:00 happens twice and both count.
    const sydney = aRep({ id: 'syd', timeZone: 'Australia/Sydney', workingHours: { sun: ['02:30-03:00'] } });
    expect(iso(slaDeadline(at('2026-04-03T00:00:00Z'), 31, sydney, true))).toBe('2026-04-04T16:31:00.000Z');
    // A span starting at 02:30, which does not exist that day, starts at 03:00 CEST.
    expect(iso(slaDeadline(at('2026-03-28T12:00:00Z'), 30, sundays('02:30-05:00'), true))).toBe(
      '2026-03-29T01:30:00.000Z',
    );
  });

  it('works around the clock, except holidays, for a rep without working hours', () => {
    const always = aRep({ id: 'x', timeZone: 'Asia/Kolkata', holidays: ['2026-11-26'] });
    expect(iso(slaDeadline(at('2026-11-25T12:00:00Z'), 60, always, true))).toBe('2026-11-25T13:00:00.000Z');
    // 25 Nov 18:00Z = 23:30 IST: 30 minutes that day, the holiday skipped, 30 more from 27 Nov 00:00 IST.
    expect(iso(slaDeadline(at('2026-11-25T18:00:00Z'), 60, always, true))).toBe('2026-11-26T19:00:00.000Z');
  });

  it('falls back to elapsed minutes for a schedule with no working time or an unknown zone', () => {
    const never = aRep({ id: 'n', workingHours: {} });
    expect(iso(slaDeadline(at('2026-11-25T12:00:00Z'), 60, never, true))).toBe('2026-11-25T13:00:00.000Z');
    const badZone = { ...berlin, timeZone: 'Mars/Olympus' };
    expect(iso(slaDeadline(at('2026-11-27T15:30:00Z'), 60, badZone, true))).toBe('2026-11-27T16:30:00.000Z');
  });
});

describe('slaDeadline in elapsed minutes', () => {
  it('adds wall-clock minutes, weekends and DST included', () => {
    expect(iso(slaDeadline(at('2026-11-27T15:30:00Z'), 60, berlin))).toBe('2026-11-27T16:30:00.000Z');
    expect(iso(slaDeadline(at('2026-03-29T00:30:00Z'), 60, berlin, false))).toBe('2026-03-29T01:30:00.000Z');
  });

  it('follows the workingHours flag of the pool SLA through slaDeadlineFor', () => {
    expect(iso(slaDeadlineFor(at('2026-11-27T15:30:00Z'), { minutes: 60, workingHours: true }, berlin))).toBe(
      '2026-11-30T08:30:00.000Z',
    );
    expect(iso(slaDeadlineFor(at('2026-11-27T15:30:00Z'), { minutes: 60, workingHours: false }, berlin))).toBe(
      '2026-11-27T16:30:00.000Z',
    );
  });
});
