// Warnings: things in a valid config that are probably not what the admin meant. Unlike the
// errors of validateRoutingConfig they never block a publish; validate and publish answer them
// (each with its path) and the CLI prints them.
import type { Condition, When } from './condition-schema.js';
import type { Pool, Rep, RoutingConfig } from './config-schema.js';
import { coveredBy } from './lint-shadow.js';
import { weekdays } from './rep-schema.js';
import type { ConfigIssue } from './validate-rules.js';
import { compileSchedule } from './working-hours.js';

const quote = (ids: readonly string[]) => ids.map((id) => `"${id}"`).join(', ');

function shadowedRules(config: RoutingConfig, base: string, out: ConfigIssue[]): void {
  const earlier: Array<{ id: string; when: Condition }> = [];
  let catchAll = false;
  config.rules.forEach((rule, i) => {
    if (!rule.enabled) return;
    if ('match' in rule.when) {
      catchAll = true; // what follows a catch-all is an error of validateRoutingConfig already
      return;
    }
    if (catchAll) return;
    const by = coveredBy(rule.when, earlier);
    if (by)
      out.push({
        path: `${base}.rules[${i}].when`,
        message: `rule "${rule.id}" can never fire: every lead it matches is taken first by rule${by.length > 1 ? 's' : ''} ${quote(by)}`,
      });
    earlier.push({ id: rule.id, when: rule.when });
  });
}

/** A short text of a condition for messages: `country in [DE, AT]`. */
export function describeCondition(c: When): string {
  if ('match' in c) return 'every lead';
  if ('all' in c) return c.all.map(describeCondition).join(' and ');
  if ('any' in c) return `(${c.any.map(describeCondition).join(' or ')})`;
  if ('not' in c) return `not (${describeCondition(c.not)})`;
  if ('time' in c)
    return `time ${[c.time.days?.join('/'), c.time.between?.join('-')].filter(Boolean).join(' ')} ${c.time.zone}`;
  if (!('value' in c)) return `${c.field} ${c.op}`;
  return `${c.field} ${c.op} ${Array.isArray(c.value) ? `[${c.value.join(', ')}]` : JSON.stringify(c.value)}`;
}

function noFallThrough(config: RoutingConfig, base: string, out: ConfigIssue[]): void {
  if (config.default) return;
  const enabled = config.rules.filter((r) => r.enabled);
  if (enabled.some((r) => 'match' in r.when)) return;
  const who =
    enabled.length === 0
      ? 'every lead (no rule is enabled)'
      : `a lead for which none of these holds: ${enabled.map((r) => `${r.id} (${describeCondition(r.when)})`).join('; ')}`;
  out.push({
    path: `${base}.default`,
    message: `no default and no rule with match: always: ${who} ends unassigned (NO_RULE_MATCHED). Add a default or a last catch-all rule`,
  });
}

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** Minutes of a weekday nobody covers, as "00:00-09:00, 17:00-24:00". */
function gaps(spans: ReadonlyArray<readonly [number, number]>): string[] {
  const out: string[] = [];
  let at = 0;
  for (const [s, e] of [...spans].sort((a, b) => a[0] - b[0])) {
    if (s > at) out.push(`${hhmm(at)}-${hhmm(s)}`);
    at = Math.max(at, e);
  }
  if (at < 24 * 60) out.push(`${hhmm(at)}-24:00`);
  return out;
}

/** A weekday on which no member works: leads routed to the pool then wait, overflow or stay unassigned. */
function uncoveredWeekdays(pool: Pool, reps: ReadonlyMap<string, Rep>, path: string, out: ConfigIssue[]): void {
  const members = pool.members.map((m) => reps.get(m)).filter((r): r is Rep => r !== undefined && r.active);
  if (members.length === 0) return;
  const schedules = members.map((r) => compileSchedule(r).spans);
  if (schedules.some((s) => s === undefined)) return; // someone without working hours is always on
  const perDay = weekdays.map((_, d) => schedules.flatMap((s) => s![d]!));
  const never = weekdays.filter((_, d) => perDay[d]!.length === 0);
  if (never.length === 0) return;
  const zones = [...new Set(members.map((r) => r.timeZone))];
  // The hours of the other days add up only when everyone reads them in one zone.
  const hours =
    zones.length === 1
      ? `; hours not covered (${zones[0]}): ${weekdays.map((d, i) => `${d} ${perDay[i]!.length === 0 ? 'all day' : gaps(perDay[i]!).join(', ') || 'none'}`).join('; ')}`
      : ` (each in their own zone: ${zones.join(', ')}); not covered: ${never.map((d) => `${d} all day`).join(', ')}`;
  const then =
    pool.overflow.length > 0
      ? 'overflow'
      : pool.queueWhenFull
        ? 'wait in the queue'
        : 'stay unassigned (POOL_EXHAUSTED)';
  out.push({
    path: `${path}.members`,
    message: `no member of pool "${pool.id}" ever works on ${never.join(', ')}: leads routed here then ${then}${hours}`,
  });
}

function zeroWeights(pool: Pool, reps: ReadonlyMap<string, Rep>, path: string, out: ConfigIssue[]): void {
  if (pool.strategy !== 'weighted_round_robin' || pool.overflow.length === 0) return;
  const weights = pool.members.map((m) => pool.weights?.[m] ?? reps.get(m)?.weight ?? 1);
  if (weights.every((w) => w === 0))
    out.push({
      path: `${path}.weights`,
      message: `every member of pool "${pool.id}" has weight 0: every lead goes straight to its overflow`,
    });
}

/** Warnings for a config that passed validateRoutingConfig; `base` prefixes every path. */
export function lintRoutingConfig(config: RoutingConfig, base = 'routing'): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const reps = new Map(config.reps.map((r) => [r.id, r]));
  shadowedRules(config, base, out);
  noFallThrough(config, base, out);
  config.pools.forEach((pool, i) => {
    uncoveredWeekdays(pool, reps, `${base}.pools[${i}]`, out);
    zeroWeights(pool, reps, `${base}.pools[${i}]`, out);
  });
  return out;
}
