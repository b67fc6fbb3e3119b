// Semantic checks on rules: regexes that do not compile or could backtrack catastrophically,
// actions that name nothing, rules that can never fire because an earlier enabled rule matches
// everything.
import { backtracksCatastrophically, unsafeRegexMessage } from '../lead/index.js';
import type { Action, RoutingConfig } from './config-schema.js';
import type { Condition } from './condition-schema.js';
import { compileRegex } from './operators.js';

export interface ConfigIssue {
  path: string;
  message: string;
}

export interface Known {
  reps: ReadonlySet<string>;
  pools: ReadonlySet<string>;
  queues: ReadonlySet<string>;
  hasAccounts: boolean;
}

export function checkCondition(c: Condition, path: string, out: ConfigIssue[]): void {
  if ('all' in c) c.all.forEach((x, i) => checkCondition(x, `${path}.all[${i}]`, out));
  else if ('any' in c) c.any.forEach((x, i) => checkCondition(x, `${path}.any[${i}]`, out));
  else if ('not' in c) checkCondition(c.not, `${path}.not`, out);
  else if (c.op === 'matches' && !compileRegex(c.value, c.caseSensitive === true)) {
    let why = 'invalid';
    try {
      new RegExp(c.value, 'u');
    } catch (e) {
      why = (e as Error).message;
    }
    out.push({ path: `${path}.value`, message: `regular expression does not compile: ${why}` });
  } else if (c.op === 'matches' && backtracksCatastrophically(c.value)) {
    out.push({ path: `${path}.value`, message: unsafeRegexMessage });
  }
}

export function checkAction(a: Action, path: string, known: Known, out: ConfigIssue[]): void {
  if ('pool' in a) {
    if (!known.pools.has(a.pool)) out.push({ path: `${path}.pool`, message: `pool "${a.pool}" does not exist` });
    return;
  }
  if ('queue' in a) {
    if (!known.queues.has(a.queue)) out.push({ path: `${path}.queue`, message: `queue "${a.queue}" does not exist` });
    return;
  }
  if ('rep' in a) {
    if (!known.reps.has(a.rep)) out.push({ path: `${path}.rep`, message: `rep "${a.rep}" does not exist` });
  } else if (!known.hasAccounts) {
    out.push({ path: `${path}.accountOwner`, message: 'routes to the account owner but no accounts are configured' });
  }
  if (a.fallback) checkAction(a.fallback, `${path}.fallback`, known, out);
}

export function checkRules(config: RoutingConfig, base: string, known: Known, out: ConfigIssue[]): void {
  const seen = new Map<string, number>();
  let catchAll: { index: number; id: string } | undefined;
  config.rules.forEach((rule, i) => {
    const path = `${base}.rules[${i}]`;
    const dup = seen.get(rule.id);
    if (dup !== undefined) out.push({ path: `${path}.id`, message: `duplicate rule id "${rule.id}" (also rules[${dup}])` });
    else seen.set(rule.id, i);
    if (catchAll && rule.enabled) {
      out.push({ path, message: `rule "${rule.id}" can never fire: rules[${catchAll.index}] ("${catchAll.id}") matches every lead first` });
    }
    if (!('match' in rule.when)) checkCondition(rule.when, `${path}.when`, out);
    checkAction(rule.action, `${path}.action`, known, out);
    if (!catchAll && rule.enabled && 'match' in rule.when) catchAll = { index: i, id: rule.id };
  });
  if (config.default) {
    checkAction(config.default, `${base}.default`, known, out);
    if (catchAll) out.push({ path: `${base}.default`, message: `default is never used: rules[${catchAll.index}] ("${catchAll.id}") matches every lead` });
  }
}
