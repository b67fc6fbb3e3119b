// A rep as an admin writes them: CRM ids, availability (hours, time off, holidays in the
// rep's own time zone), what they can handle (skills, languages) and how much (caps).
import { z } from 'zod';
import { id } from './id-schema.js';
import { dateOverrideSchema, isoDate, workingHoursSchema } from './schedule-schema.js';

export { id };
export { isoDate, weekdays, workingHoursSchema, type Weekday } from './schedule-schema.js';

/** A local date (whole day in the rep's zone) or an instant with an offset (2026-11-24T13:00:00Z). */
const dateOrInstant = z.union([isoDate, z.iso.datetime({ offset: true })], {
  message: 'use YYYY-MM-DD or an ISO 8601 time with offset',
});

/** The owner id in each CRM (HubSpot owner id, Salesforce user or queue id). */
export const crmIdsSchema = z
  .strictObject({
    hubspot: z.string().min(1).optional(),
    salesforce: z.string().min(1).optional(),
    api: z.string().min(1).optional(),
  })
  .default({});

/** A share in a weighted pool: 0..1000 in steps of 0.001 (credits are kept in whole thousandths, so fractions never drift). */
export const weight = z
  .number()
  .min(0)
  .max(1000)
  .refine((w) => Math.abs(w * 1000 - Math.round(w * 1000)) < 1e-6, { message: 'use at most 3 decimal places' });

export const repSchema = z.strictObject({
  id,
  name: z.string().min(1).optional(),
  email: z.string().email().optional(),
  crmIds: crmIdsSchema,
  active: z.boolean().default(true),
  /** IANA zone; working hours, holidays, time off and day/week caps are all read in it. */
  timeZone: z.string().min(1).default('UTC'),
  /** Absent (and no schedule): available around the clock (still subject to holidays and time off). */
  workingHours: workingHoursSchema.optional(),
  /** Id of a shared schedule (routing.schedules) instead of workingHours; one or the other. */
  schedule: id.optional(),
  /** Local dates off, on top of the holiday calendars named below. */
  holidays: z.array(isoDate).default([]),
  /** Ids of shared holiday calendars (routing.holidayCalendars), e.g. the region the rep works in. */
  holidayCalendars: z.array(id).default([]),
  /** Dates that differ from the week (a shortened day, extra hours); wins over the schedule's and over holidays. */
  overrides: z.array(dateOverrideSchema).default([]),
  /** Out of office. A local date covers its whole day (to: 2026-11-26 -> back at 00:00 on the 27th);
   *  an instant is exact and its end exclusive (to: 12:30 -> back at 12:30:00), as working hours are. */
  away: z.array(z.strictObject({ from: dateOrInstant, to: dateOrInstant, note: z.string().optional() })).default([]),
  skills: z.array(z.string().min(1)).default([]),
  /** Language codes the rep speaks ("de", "en"); compared by primary subtag, so "de-AT" matches "de". */
  languages: z.array(z.string().min(2)).default([]),
  /** Share in weighted_round_robin pools (a pool's `weights` overrides it). 0 = never picked there. */
  weight: weight.default(1),
  /** Leads per UTC clock hour (the local hour in whole-hour zones). Counted from when the cap is set. */
  capPerHour: z.number().int().nonnegative().optional(),
  capPerDay: z.number().int().nonnegative().optional(),
  capPerWeek: z.number().int().nonnegative().optional(),
  /** Monthly quota: leads per calendar month in the rep's zone. */
  capPerMonth: z.number().int().nonnegative().optional(),
  /** At most `max` leads in the current UTC hour and the hours-1 whole hours before it. Counted from when the cap is set. */
  capRolling: z
    .strictObject({ hours: z.number().int().min(1).max(168), max: z.number().int().nonnegative() })
    .optional(),
  /** Ceiling of open leads (counter rep:<id>:open, which the caller decrements when a lead closes). */
  maxOpen: z.number().int().nonnegative().optional(),
});
export type Rep = z.infer<typeof repSchema>;
export type RepInput = z.input<typeof repSchema>;

/** A CRM queue (Salesforce queue, HubSpot team inbox user) that can own a lead when no rep can. */
export const queueSchema = z.strictObject({ id, name: z.string().min(1).optional(), crmIds: crmIdsSchema });
export type CrmQueue = z.infer<typeof queueSchema>;

export const accountSchema = z.strictObject({
  id,
  name: z.string().min(1).optional(),
  domains: z
    .array(
      z
        .string()
        .min(3)
        .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'a bare domain like acme.com')
        .transform((d) => d.toLowerCase()),
    )
    .min(1),
  /** Rep id of the account owner. */
  owner: id,
});
export type Account = z.infer<typeof accountSchema>;
