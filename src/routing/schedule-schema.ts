// When a rep works, as an admin writes it: weekly hours, one-off date overrides, and the shared
// pieces many reps point at by id (`schedules:` and `holidayCalendars:` at the top of the routing
// config) so an office's hours and a region's public holidays are written once.
// Every time here is wall-clock time in the rep's own zone, and every end is exclusive.
import { z } from 'zod';
import { id } from './id-schema.js';

export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD');

const spanPattern = /^([01]\d|2[0-3]):[0-5]\d-(([01]\d|2[0-3]):[0-5]\d|24:00)$/;
const span = z
  .string()
  .regex(spanPattern, 'use HH:MM-HH:MM (24h, end may be 24:00)')
  .refine((s) => s.slice(0, 5) !== s.slice(6), {
    message: 'start and end are the same time (a whole day is 00:00-24:00)',
  });

/** A span inside one date: an override names that date's hours, so it cannot run past midnight. */
const daySpan = span.refine((s) => !spanPattern.test(s) || s.slice(6) === '24:00' || s.slice(6) > s.slice(0, 5), {
  message: 'an override span ends on its own date: use an end after the start, or 24:00',
});

export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];

/**
 * Spans per weekday in the rep's zone; a weekday left out is a day off. An end before the start
 * is a night shift: "22:00-06:00" on mon runs to 06:00 on tue (that part is Tuesday's: its
 * holidays, overrides and time off apply).
 */
export const workingHoursSchema = z.strictObject(
  Object.fromEntries(weekdays.map((d) => [d, z.array(span).optional()])) as Record<
    Weekday,
    z.ZodOptional<z.ZodArray<typeof span>>
  >,
);
export type WorkingHours = z.infer<typeof workingHoursSchema>;

/**
 * One date that differs from the week: `hours` are that date's hours instead of the usual ones
 * (a shortened day, a working Saturday, [] for a day off), `extraHours` are worked on top of them.
 * An override is more specific than a holiday: on a holiday only the override's spans count.
 */
export const dateOverrideSchema = z
  .strictObject({
    date: isoDate,
    hours: z.array(daySpan).optional(),
    extraHours: z.array(daySpan).min(1).optional(),
    note: z.string().optional(),
  })
  .superRefine((o, ctx) => {
    if ((o.hours === undefined) === (o.extraHours === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'give either hours (instead of the usual hours) or extraHours (on top of them)',
        path: ['hours'],
      });
    }
  });
export type DateOverride = z.infer<typeof dateOverrideSchema>;

/** Hours shared by reps who name it (`schedule: <id>`), read in each rep's own zone. */
export const scheduleSchema = z.strictObject({
  id,
  name: z.string().min(1).optional(),
  workingHours: workingHoursSchema,
  /** Dates that differ for everyone on this schedule; a rep's own override of the same date wins. */
  overrides: z.array(dateOverrideSchema).default([]),
});
export type ScheduleConfig = z.infer<typeof scheduleSchema>;

const holidayEntry = z.union([isoDate, z.strictObject({ date: isoDate, name: z.string().min(1).optional() })], {
  message: 'use YYYY-MM-DD or { date: YYYY-MM-DD, name }',
});

/** Public holidays of a region, named by reps (`holidayCalendars: [<id>]`); dates are local to each rep. */
export const holidayCalendarSchema = z.strictObject({
  id,
  name: z.string().min(1).optional(),
  /** ISO 3166 country or subdivision code (DE, DE-BY, US-CA): what the calendar is for. */
  region: z
    .string()
    .regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, 'an ISO 3166 code like DE or DE-BY')
    .optional(),
  dates: z.array(holidayEntry).min(1),
});
export type HolidayCalendar = z.infer<typeof holidayCalendarSchema>;
