// Routing builders: aRep, aPool, aRule, anAccount, aQueue, aConfig. Each returns the parsed
// (defaults filled) shape, so tests read like the YAML an admin writes and fail loudly on a
// schema mistake. aPool({ reps: [...] }) carries its reps; aConfig collects them.
import {
  routingConfigSchema,
  type Account,
  type CrmQueue,
  type Pool,
  type Rep,
  type RepInput,
  type RoutingConfig,
  type RoutingConfigInput,
  type Rule,
} from '../../src/routing/index.js';
import { poolSchema, repSchema, ruleSchema } from '../../src/routing/index.js';
import type { z } from 'zod';

const poolReps = Symbol('poolReps');
export type BuiltPool = Pool & { [poolReps]?: Rep[] };

/** A rep with HubSpot and Salesforce ids derived from the rep id (hs-<id>, sf-<id>). */
export function aRep(overrides: Partial<RepInput> & { id: string }): Rep {
  return repSchema.parse({ crmIds: { hubspot: `hs-${overrides.id}`, salesforce: `sf-${overrides.id}` }, ...overrides });
}

type PoolInput = z.input<typeof poolSchema>;
export function aPool(overrides: Partial<PoolInput> & { reps?: Rep[] } = {}): BuiltPool {
  const { reps, ...rest } = overrides;
  const pool: BuiltPool = poolSchema.parse({
    id: 'pool',
    strategy: 'round_robin',
    members: reps?.map((r) => r.id) ?? rest.members,
    ...rest,
  });
  if (reps) pool[poolReps] = reps;
  return pool;
}

type RuleInput = z.input<typeof ruleSchema>;
export function aRule(overrides: Partial<RuleInput> & { id: string }): Rule {
  return ruleSchema.parse({ when: { match: 'always' }, action: { pool: 'pool' }, ...overrides });
}

export function anAccount(overrides: Partial<Account> & { id: string; owner: string; domains: string[] }): Account {
  return { ...overrides };
}

export function aQueue(id: string, crmIds: CrmQueue['crmIds']): CrmQueue {
  return { id, crmIds };
}

export interface ConfigOverrides extends Partial<Omit<RoutingConfigInput, 'pools' | 'reps'>> {
  pools?: BuiltPool[];
  reps?: Rep[];
}

/**
 * A parsed config. Reps come from `reps` and from each pool built with aPool({ reps }) (explicit
 * reps win on id). With no rules and no default, one catch-all rule routes to the first pool.
 */
export function aConfig(overrides: ConfigOverrides = {}): RoutingConfig {
  const { pools = [], reps = [], rules, ...rest } = overrides;
  const byId = new Map<string, Rep>();
  for (const p of pools) for (const r of p[poolReps] ?? []) if (!byId.has(r.id)) byId.set(r.id, r);
  for (const r of reps) byId.set(r.id, r);
  const catchAll =
    pools[0] && !rest.default ? [{ id: 'all', when: { match: 'always' as const }, action: { pool: pools[0].id } }] : [];
  return routingConfigSchema.parse({ reps: [...byId.values()], pools, rules: rules ?? catchAll, ...rest });
}
