// The transforms an admin can chain on a field. A bare name ("trim") is shorthand for
// { op: trim }; parsing turns both into the object form so errors point at `...transforms[2].op`.
import { z } from 'zod';

const scalar = z.union([z.string(), z.number(), z.boolean()]);

const simpleOps = ['trim', 'lower', 'upper', 'number', 'boolean', 'country', 'domain'] as const;

const transformVariants = z.discriminatedUnion('op', [
  z.object({ op: z.enum(simpleOps) }).strict(),
  z
    .object({
      op: z.literal('date'),
      /** Unit of numeric timestamps: HubSpot sends milliseconds, many forms send seconds. */
      epoch: z.enum(['ms', 's']).default('ms'),
    })
    .strict(),
  z
    .object({
      op: z.literal('state'),
      /** When true, a value that is no US state / CA province fails; by default it is kept as written. */
      strict: z.boolean().default(false),
    })
    .strict(),
  z
    .object({
      op: z.literal('map'),
      /** Matched after trimming and ignoring case: "Open", "OPEN " and "open" are one key. */
      values: z.record(z.string(), scalar),
      /** Used for a value the map lacks; null leaves the field out without a warning. Absent: a warning. */
      default: scalar.nullable().optional(),
    })
    .strict(),
  z
    .object({
      op: z.literal('regex'),
      pattern: z.string().min(1),
      flags: z
        .string()
        .regex(/^[imsu]*$/, 'flags may only be i, m, s, u')
        .optional(),
      /** Capture group to keep (number or name); default: group 1 if the pattern has one, else the whole match. */
      group: z.union([z.number().int().nonnegative(), z.string().min(1)]).optional(),
    })
    .strict(),
]);

export type TransformSpec = z.output<typeof transformVariants>;
export type TransformOp = TransformSpec['op'];
/** What an admin may write: the object form, or a bare name for a transform without options. */
export type TransformInput = z.input<typeof transformVariants> | (typeof simpleOps)[number] | 'date' | 'state';

export const transformSchema = z.preprocess((v) => (typeof v === 'string' ? { op: v } : v), transformVariants);
