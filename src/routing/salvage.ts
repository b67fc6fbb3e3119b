// When the routing section fails the schema, its reference checks still run on what did parse,
// so an admin sees every problem in one pass: each list item is parsed on its own (a failure
// leaves a hole at its index), and references are checked against every id the raw input
// defines, parsed or not. Only the validator reads the result; routing never runs on it.
import { z } from 'zod';
import { accountSchema, queueSchema, repSchema } from './rep-schema.js';
import { actionSchema, poolSchema, ruleSchema, syncSettingsSchema } from './config-schema.js';
import { holidayCalendarSchema, scheduleSchema } from './schedule-schema.js';
import { anyName, namesOf, type Known, type PartialRoutingConfig } from './validate.js';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function items<T>(raw: Obj, key: string, schema: z.ZodType<T>): Array<T | undefined> {
  const list = raw[key];
  if (!Array.isArray(list)) return [];
  return list.map((x) => {
    const r = schema.safeParse(x);
    return r.success ? r.data : undefined;
  });
}

function names(raw: Obj, key: string) {
  const list = raw[key];
  if (list === undefined) return namesOf([]);
  if (!Array.isArray(list)) return anyName;
  return namesOf(list.flatMap((x) => (isObject(x) && typeof x.id === 'string' ? [x.id] : [])));
}

/** What of `raw` (the routing section) parses, and the ids it names; undefined when it is not even an object. */
export function salvageRoutingConfig(raw: unknown): { config: PartialRoutingConfig; known: Known } | undefined {
  if (!isObject(raw)) return undefined;
  const optional = <T>(schema: z.ZodType<T>, value: unknown): T | undefined => {
    const r = schema.safeParse(value);
    return r.success ? r.data : undefined;
  };
  const config: PartialRoutingConfig = {
    reps: items(raw, 'reps', repSchema),
    schedules: items(raw, 'schedules', scheduleSchema),
    holidayCalendars: items(raw, 'holidayCalendars', holidayCalendarSchema),
    pools: items(raw, 'pools', poolSchema),
    queues: items(raw, 'queues', queueSchema),
    accounts: items(raw, 'accounts', accountSchema),
    rules: items(raw, 'rules', ruleSchema),
    default: raw.default === undefined ? undefined : optional(actionSchema, raw.default),
    sync: raw.sync === undefined ? undefined : optional(syncSettingsSchema, raw.sync),
  };
  const known: Known = {
    reps: names(raw, 'reps'),
    pools: names(raw, 'pools'),
    queues: names(raw, 'queues'),
    schedules: names(raw, 'schedules'),
    holidayCalendars: names(raw, 'holidayCalendars'),
  };
  return { config, known };
}
