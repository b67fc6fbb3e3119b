// The rule checks of validateRoutingConfig: regexes that do not compile or could backtrack
// catastrophically, values that can never match their field, actions that name nothing, rules
// that can never fire because an earlier enabled rule matches everything.
import { backtracksCatastrophically, didYouMean, unsafeRegexMessage } from '../lead/index.js';
import type { Action, Rule } from './config-schema.js';
import type { Condition } from './condition-schema.js';
import { isValidTimeZone } from './local-time.js';
import { compileRegex } from './operators.js';
import { checkLeafValue } from './validate-values.js';

export interface ConfigIssue {
  path: string;
  message: string;
}

/** The ids a config defines, to check references against; `has` is always true when the list could not be read at all. */
export interface Names {
  has(id: string): boolean;
  readonly all: readonly string[];
}

export interface Known {
  reps: Names;
  pools: Names;
  queues: Names;
  schedules: Names;
  holidayCalendars: Names;
}

export const namesOf = (ids: readonly string[]): Names => {
  const set = new Set(ids);
  return { has: (id) => set.has(id), all: ids };
};
/** A list that is not a list (a schema error says so): nothing can be said about what it names. */
export const anyName: Names = { has: () => true, all: [] };

/** `pool "emae" does not exist; did you mean "emea"?` */
export const missing = (kind: string, name: string, names: Names): string =>
  `${kind} "${name}" does not exist${didYouMean(name, names.all)}`;

export function checkCondition(c: Condition, path: string, out: ConfigIssue[]): void {
  if ('all' in c) c.all.forEach((x, i) => checkCondition(x, `${path}.all[${i}]`, out));
  else if ('any' in c) c.any.forEach((x, i) => checkCondition(x, `${path}.any[${i}]`, out));
  else if ('not' in c) checkCondition(c.not, `${path}.not`, out);
  else if ('time' in c) {
    if (!isValidTimeZone(c.time.zone))
      out.push({
        path: `${path}.time.zone`,
        message: `"${c.time.zone}" is not an IANA time zone (e.g. Europe/Berlin)`,
      });
  } else if (c.op === 'matches' && !compileRegex(c.value, c.caseSensitive === true)) {
    let why = 'invalid';
    try {
      new RegExp(c.value, 'u');
    } catch (e) {
      why = (e as Error).message;
    }
    out.push({ path: `${path}.value`, message: `regular expression does not compile: ${why}` });
  } else if (c.op === 'matches' && backtracksCatastrophically(c.value)) {
    out.push({ path: `${path}.value`, message: unsafeRegexMessage });
  } else checkLeafValue(c, path, out);
}

export function checkAction(a: Action, path: string, known: Known, out: ConfigIssue[]): void {
  if ('pool' in a) {
    if (!known.pools.has(a.pool)) out.push({ path: `${path}.pool`, message: missing('pool', a.pool, known.pools) });
    return;
  }
  if ('queue' in a) {
    if (!known.queues.has(a.queue))
      out.push({ path: `${path}.queue`, message: missing('queue', a.queue, known.queues) });
    return;
  }
  if ('skip' in a) return;
  // Account and existing-record actions name no config object: their accounts may come from the
  // CRM mirror (docs/accounts.md), so a config without routing.accounts is not an error.
  if ('rep' in a && !known.reps.has(a.rep))
    out.push({ path: `${path}.rep`, message: missing('rep', a.rep, known.reps) });
  if (a.fallback) checkAction(a.fallback, `${path}.fallback`, known, out);
}

/** `rules` may hold holes: rules that failed the schema (reported there), skipped here at their own index. */
export function checkRules(
  config: { rules: ReadonlyArray<Rule | undefined>; default?: Action | undefined },
  base: string,
  known: Known,
  out: ConfigIssue[],
): void {
  const seen = new Map<string, number>();
  let catchAll: string | undefined;
  config.rules.forEach((rule, i) => {
    if (!rule) return;
    const path = `${base}.rules[${i}]`;
    const dup = seen.get(rule.id);
    if (dup !== undefined)
      out.push({ path: `${path}.id`, message: `duplicate rule id "${rule.id}" (also rules[${dup}])` });
    else seen.set(rule.id, i);
    if (catchAll && rule.enabled) {
      out.push({ path, message: `rule "${rule.id}" can never fire: rule "${catchAll}" before it matches every lead` });
    }
    if (!('match' in rule.when)) checkCondition(rule.when, `${path}.when`, out);
    checkAction(rule.action, `${path}.action`, known, out);
    if (!catchAll && rule.enabled && 'match' in rule.when) catchAll = rule.id;
  });
  if (config.default) {
    checkAction(config.default, `${base}.default`, known, out);
    if (catchAll)
      out.push({ path: `${base}.default`, message: `default is never used: rule "${catchAll}" matches every lead` });
  }
}
