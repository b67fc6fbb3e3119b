// validateRoutingConfig: the checks zod cannot make, run after the schema parse and before a
// config may be published. Every issue names the path an admin must fix, e.g.
// routing.rules[3].action.pool (the config layer then names items by id). An empty list means
// publishable.
//
// The config may be partial: a list item that failed the schema is a hole (undefined) at its
// own index, and `known` then holds every id the raw input defines. So one pass reports schema
// errors and reference errors together, and a rep with a typo in its weight does not turn every
// rule naming that rep into a second, false, "does not exist".
import { didYouMean } from '../lead/index.js';
import type {
  Account,
  CrmQueue,
  HolidayCalendar,
  Pool,
  Rep,
  Rule,
  RoutingConfig,
  ScheduleConfig,
} from './config-schema.js';
import { isValidTimeZone } from './local-time.js';
import { checkPoolFairness } from './validate-pools.js';
import { checkRules, missing, namesOf, type ConfigIssue, type Known } from './validate-rules.js';

export type { ConfigIssue, Known, Names } from './validate-rules.js';
export { anyName, namesOf } from './validate-rules.js';

type Holes<T> = ReadonlyArray<T | undefined>;
/** A routing config as far as it parsed (see the top of this file); a whole RoutingConfig is one too. */
export type PartialRoutingConfig = Omit<
  RoutingConfig,
  'reps' | 'pools' | 'queues' | 'accounts' | 'rules' | 'schedules' | 'holidayCalendars'
> & {
  reps: Holes<Rep>;
  schedules: Holes<ScheduleConfig>;
  holidayCalendars: Holes<HolidayCalendar>;
  pools: Holes<Pool>;
  queues: Holes<CrmQueue>;
  accounts: Holes<Account>;
  rules: Holes<Rule>;
};

const key = (parts: string[]) =>
  parts.map((p) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`)).join('');

function duplicates<T>(
  items: Holes<T>,
  keyOf: (t: T) => string | undefined,
  path: (i: number) => string,
  what: string,
  out: ConfigIssue[],
) {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const k = item === undefined ? undefined : keyOf(item);
    if (k === undefined) return;
    const first = seen.get(k);
    if (first === undefined) seen.set(k, i);
    else out.push({ path: path(i), message: `duplicate ${what} "${k}" (first at index ${first})` });
  });
}

let zones: readonly string[] | undefined;
const timeZones = () => (zones ??= Intl.supportedValuesOf('timeZone'));

/** Two overrides of one date would leave which one counts to list order. */
function checkOverrideDates(overrides: ReadonlyArray<{ date: string }>, path: string, out: ConfigIssue[]) {
  duplicates(
    overrides,
    (o) => o.date,
    (j) => `${path}.overrides[${j}].date`,
    'override date',
    out,
  );
}

function checkSchedules(config: PartialRoutingConfig, base: string, out: ConfigIssue[]) {
  duplicates(
    config.schedules,
    (s) => s.id,
    (i) => `${base}.schedules[${i}].id`,
    'schedule id',
    out,
  );
  config.schedules.forEach((s, i) => s && checkOverrideDates(s.overrides, `${base}.schedules[${i}]`, out));
  duplicates(
    config.holidayCalendars,
    (c) => c.id,
    (i) => `${base}.holidayCalendars[${i}].id`,
    'holiday calendar id',
    out,
  );
}

/** A rep's references to shared schedules and calendars, checked against every id the input defines. */
function checkRepSchedule(r: Rep, path: string, known: Known, out: ConfigIssue[]) {
  if (r.schedule !== undefined) {
    if (r.workingHours !== undefined)
      out.push({ path: `${path}.schedule`, message: 'give either workingHours or a schedule, not both' });
    else if (!known.schedules.has(r.schedule))
      out.push({ path: `${path}.schedule`, message: missing('schedule', r.schedule, known.schedules) });
  }
  r.holidayCalendars.forEach((c, j) => {
    if (!known.holidayCalendars.has(c))
      out.push({
        path: `${path}.holidayCalendars[${j}]`,
        message: missing('holiday calendar', c, known.holidayCalendars),
      });
  });
  checkOverrideDates(r.overrides, path, out);
}

function checkReps(config: PartialRoutingConfig, base: string, known: Known, out: ConfigIssue[]) {
  duplicates(
    config.reps,
    (r) => r.id,
    (i) => `${base}.reps[${i}].id`,
    'rep id',
    out,
  );
  for (const crm of ['hubspot', 'salesforce', 'api'] as const) {
    // A CRM owner id belongs to one person: two reps sharing it would make write-back and sticky routing ambiguous.
    const owners = [...config.reps.map((r) => r?.crmIds[crm]), ...config.queues.map((q) => q?.crmIds[crm])];
    duplicates(
      owners,
      (x) => x,
      (i) =>
        i < config.reps.length
          ? `${base}.reps[${i}].crmIds.${crm}`
          : `${base}.queues[${i - config.reps.length}].crmIds.${crm}`,
      `${crm} owner id`,
      out,
    );
  }
  config.reps.forEach((r, i) => {
    if (!r) return;
    checkRepSchedule(r, `${base}.reps[${i}]`, known, out);
    if (!isValidTimeZone(r.timeZone))
      out.push({
        path: `${base}.reps[${i}].timeZone`,
        message: `"${r.timeZone}" is not an IANA time zone${didYouMean(r.timeZone, timeZones())}`,
      });
    r.away.forEach((a, j) => {
      const bothDates = a.from.length === 10 && a.to.length === 10;
      if (bothDates ? a.from > a.to : Date.parse(a.from) > Date.parse(a.to))
        out.push({ path: `${base}.reps[${i}].away[${j}]`, message: 'from is after to' });
    });
  });
}

function checkPools(config: PartialRoutingConfig, base: string, known: Known, out: ConfigIssue[]) {
  duplicates(
    config.pools,
    (p) => p.id,
    (i) => `${base}.pools[${i}].id`,
    'pool id',
    out,
  );
  config.pools.forEach((p, i) => {
    if (!p) return;
    const path = `${base}.pools[${i}]`;
    const members = new Set(p.members);
    const notMember = (m: string) => `"${m}" is not a member of this pool${didYouMean(m, p.members)}`;
    p.members.forEach((m, j) => {
      if (!known.reps.has(m)) out.push({ path: `${path}.members[${j}]`, message: missing('rep', m, known.reps) });
    });
    duplicates(
      p.members,
      (m) => m,
      (j) => `${path}.members[${j}]`,
      'member',
      out,
    );
    for (const m of Object.keys(p.weights ?? {}))
      if (!members.has(m)) out.push({ path: `${path}.weights${key([m])}`, message: notMember(m) });
    p.topTier?.reps.forEach((m, j) => {
      if (!members.has(m)) out.push({ path: `${path}.topTier.reps[${j}]`, message: notMember(m) });
    });
    if (p.strategy === 'weighted_round_robin') {
      const weights = p.members.map((m) => p.weights?.[m] ?? config.reps.find((r) => r?.id === m)?.weight ?? 1);
      // With an overflow that is a pass-through pool (a lint warning says so); without one, a dead end.
      if (weights.every((w) => w === 0) && p.overflow.length === 0)
        out.push({
          path: `${path}.weights`,
          message: 'every member has weight 0 and there is no overflow: this pool can never assign',
        });
    } else if (p.catchUpAfterAway) {
      out.push({
        path: `${path}.catchUpAfterAway`,
        message: 'only weighted_round_robin pools keep credit to catch up with',
      });
    }
    checkPoolFairness(p, path, config.reps, out);
    p.overflow.forEach((t, j) => {
      const tp = `${path}.overflow[${j}]`;
      if ('pool' in t && !known.pools.has(t.pool))
        out.push({ path: `${tp}.pool`, message: missing('pool', t.pool, known.pools) });
      if ('pool' in t && t.pool === p.id)
        out.push({ path: `${tp}.pool`, message: 'a pool cannot overflow into itself' });
      if ('rep' in t && !known.reps.has(t.rep))
        out.push({ path: `${tp}.rep`, message: missing('rep', t.rep, known.reps) });
      if ('queue' in t && !known.queues.has(t.queue))
        out.push({ path: `${tp}.queue`, message: missing('queue', t.queue, known.queues) });
    });
  });
  checkOverflowCycles(config, base, out);
}

/** A cycle would make "who gets it when everyone is busy" depend on where you start. */
function checkOverflowCycles(config: PartialRoutingConfig, base: string, out: ConfigIssue[]) {
  const pools = config.pools.filter((p): p is Pool => p !== undefined);
  const next = new Map(pools.map((p) => [p.id, p.overflow.flatMap((t) => ('pool' in t ? [t.pool] : []))]));
  config.pools.forEach((p, i) => {
    if (!p) return;
    const stack = [...(next.get(p.id) ?? [])].filter((x) => x !== p.id);
    const seen = new Set<string>();
    while (stack.length) {
      const id = stack.pop()!;
      if (id === p.id) {
        out.push({ path: `${base}.pools[${i}].overflow`, message: `overflow chain from "${p.id}" leads back to it` });
        return;
      }
      if (seen.has(id)) continue;
      seen.add(id);
      stack.push(...(next.get(id) ?? []));
    }
  });
}

function checkAccounts(config: PartialRoutingConfig, base: string, known: Known, out: ConfigIssue[]) {
  duplicates(
    config.accounts,
    (a) => a.id,
    (i) => `${base}.accounts[${i}].id`,
    'account id',
    out,
  );
  const domains = config.accounts.flatMap((a, i) =>
    a ? a.domains.map((d, j) => ({ d, path: `${base}.accounts[${i}].domains[${j}]` })) : [],
  );
  duplicates(
    domains,
    (x) => x.d,
    (k) => domains[k]!.path,
    'account domain',
    out,
  );
  config.accounts.forEach((a, i) => {
    if (a && !known.reps.has(a.owner))
      out.push({ path: `${base}.accounts[${i}].owner`, message: missing('rep', a.owner, known.reps) });
  });
}

const idsOf = (items: Holes<{ id: string }>) => items.flatMap((x) => (x ? [x.id] : []));

/** The ids `config` defines; a partial config's caller passes the raw input's instead. */
export function knownOf(config: PartialRoutingConfig): Known {
  return {
    reps: namesOf(idsOf(config.reps)),
    pools: namesOf(idsOf(config.pools)),
    queues: namesOf(idsOf(config.queues)),
    schedules: namesOf(idsOf(config.schedules)),
    holidayCalendars: namesOf(idsOf(config.holidayCalendars)),
  };
}

/** Semantic checks after zod; `base` prefixes every path (the routing section of the config file). */
export function validateRoutingConfig(
  config: PartialRoutingConfig,
  base = 'routing',
  known: Known = knownOf(config),
): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  checkSchedules(config, base, out);
  checkReps(config, base, known, out);
  duplicates(
    config.queues,
    (q) => q.id,
    (i) => `${base}.queues[${i}].id`,
    'queue id',
    out,
  );
  checkPools(config, base, known, out);
  checkAccounts(config, base, known, out);
  checkRules(config, base, known, out);
  return out;
}
