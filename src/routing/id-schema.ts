// The id every admin-named thing uses (reps, pools, schedules, calendars...), in its own file so
// the schema files can share it without importing each other.
import { z } from 'zod';

export const id = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'use letters, digits, _ . : -');
