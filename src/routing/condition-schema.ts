// Rule conditions: all / any / not over leaf tests { field, op, value } and time windows
// { time: { zone, days, between } }. The shape of `value` depends on the operator, so a wrong
// value is reported at rules[i].when...value, not later.
import { z } from 'zod';
import { didYouMean } from '../lead/index.js';
import { isKnownField, knownFieldNames } from './fields.js';
import { keyedUnion } from './keyed-union.js';
import { weekdays, type Weekday } from './rep-schema.js';

export const operators = [
  'eq',
  'neq',
  'in',
  'not_in',
  'contains',
  'starts_with',
  'ends_with',
  'matches',
  'exists',
  'empty',
  'gt',
  'gte',
  'lt',
  'lte',
  'between',
  'all_in',
  'none_in',
] as const;
export type Operator = (typeof operators)[number];

const field = z.string().superRefine((f, ctx) => {
  if (!isKnownField(f))
    ctx.addIssue({
      code: 'custom',
      message: `unknown field "${f}": use a canonical lead field, source.crm, custom.<name> or account.<name>${didYouMean(f, knownFieldNames)}`,
    });
});
/** String compares ignore case unless a leaf says otherwise (admins type "germany", CRMs send "Germany"). */
const caseSensitive = z.boolean().optional();
const scalar = z.union([z.string(), z.number().finite(), z.boolean()]);
const num = z.number().finite();

const leafSchemas = {
  eq: z.strictObject({ field, op: z.literal('eq'), value: scalar, caseSensitive }),
  neq: z.strictObject({ field, op: z.literal('neq'), value: scalar, caseSensitive }),
  in: z.strictObject({ field, op: z.literal('in'), value: z.array(z.union([z.string(), num])).min(1), caseSensitive }),
  not_in: z.strictObject({
    field,
    op: z.literal('not_in'),
    value: z.array(z.union([z.string(), num])).min(1),
    caseSensitive,
  }),
  contains: z.strictObject({
    field,
    op: z.literal('contains'),
    value: z.union([z.string().min(1), num]),
    caseSensitive,
  }),
  starts_with: z.strictObject({ field, op: z.literal('starts_with'), value: z.string().min(1), caseSensitive }),
  ends_with: z.strictObject({ field, op: z.literal('ends_with'), value: z.string().min(1), caseSensitive }),
  /** A regular expression (JavaScript syntax); validateRoutingConfig compiles it before publish. */
  matches: z.strictObject({ field, op: z.literal('matches'), value: z.string().min(1), caseSensitive }),
  exists: z.strictObject({ field, op: z.literal('exists') }),
  empty: z.strictObject({ field, op: z.literal('empty') }),
  gt: z.strictObject({ field, op: z.literal('gt'), value: num }),
  gte: z.strictObject({ field, op: z.literal('gte'), value: num }),
  lt: z.strictObject({ field, op: z.literal('lt'), value: num }),
  lte: z.strictObject({ field, op: z.literal('lte'), value: num }),
  /** Inclusive at both ends: [min, max]. */
  between: z
    .strictObject({ field, op: z.literal('between'), value: z.tuple([num, num]) })
    .refine((c) => c.value[0] <= c.value[1], { message: 'between needs [min, max] with min <= max', path: ['value'] }),
  /** List fields: the lead holds every listed value (productInterest all_in [api, sso]). */
  all_in: z.strictObject({
    field,
    op: z.literal('all_in'),
    value: z.array(z.union([z.string(), num])).min(1),
    caseSensitive,
  }),
  /** List fields: the lead holds values and none of them is listed; an empty field does not match (not_in does). */
  none_in: z.strictObject({
    field,
    op: z.literal('none_in'),
    value: z.array(z.union([z.string(), num])).min(1),
    caseSensitive,
  }),
} satisfies Record<Operator, z.ZodType>;

export type LeafCondition = { [K in Operator]: z.infer<(typeof leafSchemas)[K]> }[Operator];

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'use HH:MM (24h; an end may be 24:00)');
/**
 * The decision's time in a named zone: weekday and local time of day. `between` is [start, end),
 * end exclusive like working hours; an end before the start spans midnight (["22:00", "06:00"]),
 * and that night belongs to the day it started on. Either part may be left out, not both.
 */
export const timeWindowSchema = z
  .strictObject({
    zone: z.string().min(1),
    days: z
      .array(z.enum(weekdays, { message: `days are ${weekdays.join(', ')}` }))
      .min(1)
      .optional(),
    between: z.tuple([clock, clock]).optional(),
  })
  .refine((t) => t.days !== undefined || t.between !== undefined, {
    message: 'a time condition needs days, between or both',
  })
  .refine((t) => !t.between || t.between[0] !== t.between[1], {
    message: 'start and end are the same time (a whole day is ["00:00", "24:00"])',
    path: ['between'],
  });
export type TimeWindow = { zone: string; days?: Weekday[]; between?: [string, string] };
export type TimeCondition = { time: TimeWindow };

export type Condition =
  LeafCondition | TimeCondition | { all: Condition[] } | { any: Condition[] } | { not: Condition };

const operatorList = operators.join(', ');
// What admins type from other tools' rule builders and SQL.
const operatorAliases: Record<string, Operator> = {
  '=': 'eq',
  '==': 'eq',
  equals: 'eq',
  is: 'eq',
  '!=': 'neq',
  '<>': 'neq',
  not_equals: 'neq',
  '>': 'gt',
  '>=': 'gte',
  '<': 'lt',
  '<=': 'lte',
  one_of: 'in',
  like: 'contains',
  regex: 'matches',
};

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  keyedUnion<Condition>((v) => {
    if ('all' in v) return z.strictObject({ all: z.array(conditionSchema).min(1, 'all needs at least one condition') });
    if ('any' in v) return z.strictObject({ any: z.array(conditionSchema).min(1, 'any needs at least one condition') });
    if ('not' in v) return z.strictObject({ not: conditionSchema });
    if ('time' in v) return z.strictObject({ time: timeWindowSchema });
    if ('op' in v) {
      const schema = typeof v.op === 'string' ? leafSchemas[v.op as Operator] : undefined;
      if (schema) return schema;
      const hint =
        typeof v.op === 'string'
          ? operatorAliases[v.op]
            ? `; did you mean "${operatorAliases[v.op]}"?`
            : didYouMean(v.op, operators)
          : '';
      return z.object({ op: z.enum(operators, { message: `op must be one of ${operatorList}${hint}` }) });
    }
    if ('match' in v) return 'match: "always" belongs directly under when, not inside all/any/not';
    return 'a condition is { all: [...] }, { any: [...] }, { not: ... }, { time: { zone, days, between } } or { field, op, value }';
  }),
);

/** `when` is a condition, or the explicit catch-all. An empty `when` is an error, never "match everything". */
export type When = Condition | { match: 'always' };
export const whenSchema: z.ZodType<When> = keyedUnion<When>((v) =>
  'match' in v
    ? z.strictObject({ match: z.literal('always', { message: 'match only takes "always"' }) })
    : conditionSchema,
);
