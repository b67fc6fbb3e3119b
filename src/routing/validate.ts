// validateRoutingConfig: the checks zod cannot make, run after the schema parse and before a
// config may be published. Every issue names the path an admin must fix, e.g.
// routing.rules[3].action.pool. An empty list means publishable.
import type { RoutingConfig } from './config-schema.js';
import { isValidTimeZone } from './local-time.js';
import { checkRules, type ConfigIssue, type Known } from './validate-rules.js';

export type { ConfigIssue };

function duplicates<T>(items: readonly T[], key: (t: T) => string | undefined, path: (i: number) => string, what: string, out: ConfigIssue[]) {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const k = key(item);
    if (k === undefined) return;
    const first = seen.get(k);
    if (first === undefined) seen.set(k, i);
    else out.push({ path: path(i), message: `duplicate ${what} "${k}" (first at index ${first})` });
  });
}

function checkReps(config: RoutingConfig, base: string, out: ConfigIssue[]) {
  duplicates(config.reps, (r) => r.id, (i) => `${base}.reps[${i}].id`, 'rep id', out);
  for (const crm of ['hubspot', 'salesforce', 'api'] as const) {
    // A CRM owner id belongs to one person: two reps sharing it would make write-back and sticky routing ambiguous.
    const owners = [...config.reps.map((r) => r.crmIds[crm]), ...config.queues.map((q) => q.crmIds[crm])];
    duplicates(owners, (x) => x, (i) => (i < config.reps.length ? `${base}.reps[${i}].crmIds.${crm}` : `${base}.queues[${i - config.reps.length}].crmIds.${crm}`), `${crm} owner id`, out);
  }
  config.reps.forEach((r, i) => {
    if (!isValidTimeZone(r.timeZone)) out.push({ path: `${base}.reps[${i}].timeZone`, message: `"${r.timeZone}" is not an IANA time zone` });
    r.away.forEach((a, j) => {
      const bothDates = a.from.length === 10 && a.to.length === 10;
      if (bothDates ? a.from > a.to : Date.parse(a.from) > Date.parse(a.to)) out.push({ path: `${base}.reps[${i}].away[${j}]`, message: 'from is after to' });
    });
  });
}

function checkPools(config: RoutingConfig, base: string, known: Known, out: ConfigIssue[]) {
  duplicates(config.pools, (p) => p.id, (i) => `${base}.pools[${i}].id`, 'pool id', out);
  config.pools.forEach((p, i) => {
    const path = `${base}.pools[${i}]`;
    const members = new Set(p.members);
    p.members.forEach((m, j) => {
      if (!known.reps.has(m)) out.push({ path: `${path}.members[${j}]`, message: `rep "${m}" does not exist` });
    });
    duplicates(p.members, (m) => m, (j) => `${path}.members[${j}]`, 'member', out);
    for (const m of Object.keys(p.weights ?? {})) if (!members.has(m)) out.push({ path: `${path}.weights.${m}`, message: `"${m}" is not a member of this pool` });
    p.topTier?.reps.forEach((m, j) => {
      if (!members.has(m)) out.push({ path: `${path}.topTier.reps[${j}]`, message: `"${m}" is not a member of this pool` });
    });
    if (p.strategy === 'weighted_round_robin') {
      const weights = p.members.map((m) => p.weights?.[m] ?? config.reps.find((r) => r.id === m)?.weight ?? 1);
      if (weights.every((w) => w === 0)) out.push({ path: `${path}.weights`, message: 'every member has weight 0: this pool can never assign' });
    } else if (p.catchUpAfterAway) {
      out.push({ path: `${path}.catchUpAfterAway`, message: 'only weighted_round_robin pools keep credit to catch up with' });
    }
    p.overflow.forEach((t, j) => {
      const tp = `${path}.overflow[${j}]`;
      if ('pool' in t && !known.pools.has(t.pool)) out.push({ path: `${tp}.pool`, message: `pool "${t.pool}" does not exist` });
      if ('pool' in t && t.pool === p.id) out.push({ path: `${tp}.pool`, message: 'a pool cannot overflow into itself' });
      if ('rep' in t && !known.reps.has(t.rep)) out.push({ path: `${tp}.rep`, message: `rep "${t.rep}" does not exist` });
      if ('queue' in t && !known.queues.has(t.queue)) out.push({ path: `${tp}.queue`, message: `queue "${t.queue}" does not exist` });
    });
  });
  checkOverflowCycles(config, base, out);
}

/** A cycle would make "who gets it when everyone is busy" depend on where you start. */
function checkOverflowCycles(config: RoutingConfig, base: string, out: ConfigIssue[]) {
  const next = new Map(config.pools.map((p) => [p.id, p.overflow.flatMap((t) => ('pool' in t ? [t.pool] : []))]));
  config.pools.forEach((p, i) => {
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

function checkAccounts(config: RoutingConfig, base: string, known: Known, out: ConfigIssue[]) {
  duplicates(config.accounts, (a) => a.id, (i) => `${base}.accounts[${i}].id`, 'account id', out);
  const domains = config.accounts.flatMap((a, i) => a.domains.map((d, j) => ({ d, path: `${base}.accounts[${i}].domains[${j}]` })));
  duplicates(domains, (x) => x.d, (k) => domains[k]!.path, 'account domain', out);
  config.accounts.forEach((a, i) => {
    if (!known.reps.has(a.owner)) out.push({ path: `${base}.accounts[${i}].owner`, message: `rep "${a.owner}" does not exist` });
  });
}

/** Semantic checks after zod; `base` prefixes every path (the routing section of the config file). */
export function validateRoutingConfig(config: RoutingConfig, base = 'routing'): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const known: Known = {
    reps: new Set(config.reps.map((r) => r.id)),
    pools: new Set(config.pools.map((p) => p.id)),
    queues: new Set(config.queues.map((q) => q.id)),
    hasAccounts: config.accounts.length > 0,
  };
  checkReps(config, base, out);
  duplicates(config.queues, (q) => q.id, (i) => `${base}.queues[${i}].id`, 'queue id', out);
  checkPools(config, base, known, out);
  checkAccounts(config, base, known, out);
  checkRules(config, base, known, out);
  return out;
}
