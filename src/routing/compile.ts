// Everything about a config that does not depend on the lead, computed once per config object
// (WeakMap: a new published version is a new object, and the old one is collected with its cache).
// Configs are treated as immutable after parse; mutate one in place and the cache goes stale.
import type { CrmName } from '../lead/index.js';
import { compileWhen, type CompiledCondition } from './conditions.js';
import type { Account, CrmQueue, Pool, Rep, RoutingConfig, Rule } from './config-schema.js';
import { creditKey, dayKey, openKey, weekKey } from './counter-keys.js';
import { zoneClock, type LocalTime, type ZoneClock } from './local-time.js';
import { compileSchedule, type Schedule } from './working-hours.js';

export interface CompiledRep {
  rep: Rep;
  id: string;
  /** undefined when the zone is invalid: the rep is then treated as off hours (validation reports it). */
  clock: ZoneClock | undefined;
  schedule: Schedule;
  skills: ReadonlySet<string>;
  languages: ReadonlySet<string>;
  openKey: string;
  /** Day/week counter keys for a local time, remembered per date so the hot path builds no strings. */
  periodKeys(local: LocalTime): { day: string; week: string };
}

export interface CompiledPool {
  pool: Pool;
  id: string;
  members: readonly string[];
  /** Weight per member position (weighted_round_robin). */
  weights: readonly number[];
  creditKeys: readonly string[];
  topTier: ReadonlySet<string> | undefined;
  requiredSkills: readonly string[];
}

export interface CompiledRule {
  rule: Rule;
  test: CompiledCondition;
  requiredSkills: readonly string[];
}

export interface CompiledConfig {
  config: RoutingConfig;
  reps: ReadonlyMap<string, CompiledRep>;
  repList: readonly CompiledRep[];
  pools: ReadonlyMap<string, CompiledPool>;
  queues: ReadonlyMap<string, CrmQueue>;
  rules: readonly CompiledRule[];
  /** Exact domain -> account; lookups also try parent domains (eu.acme.com -> acme.com). */
  accountsByDomain: ReadonlyMap<string, Account>;
  /** Rep by owner id in each CRM, for sticky routing. For 'api' the rep id also matches. */
  repsByCrmId: Readonly<Record<CrmName, ReadonlyMap<string, CompiledRep>>>;
  /** Counter keys that do not depend on the time. */
  fixedCounterKeys: readonly string[];
}

const cache = new WeakMap<RoutingConfig, CompiledConfig>();
const lower = (xs: readonly string[]) => xs.map((x) => x.toLowerCase());
/** "de-AT" and "de" are the same language for routing. */
export const primaryLanguage = (tag: string) => tag.toLowerCase().split(/[-_]/)[0] ?? '';

export function compileConfig(config: RoutingConfig): CompiledConfig {
  const hit = cache.get(config);
  if (hit) return hit;
  const repList = config.reps.map(
    (rep): CompiledRep => ({
      rep,
      id: rep.id,
      clock: zoneClock(rep.timeZone),
      schedule: compileSchedule(rep),
      skills: new Set(lower(rep.skills)),
      languages: new Set(rep.languages.map(primaryLanguage)),
      openKey: openKey(rep.id),
      periodKeys: periodKeysMemo(rep.id),
    }),
  );
  const reps = new Map(repList.map((r) => [r.id, r]));
  const pools = new Map(config.pools.map((pool) => [pool.id, compilePool(pool, reps)]));
  const repsByCrmId = { hubspot: new Map(), salesforce: new Map(), api: new Map() } as Record<CrmName, Map<string, CompiledRep>>;
  for (const r of repList) {
    repsByCrmId.api.set(r.id, r);
    for (const crm of ['hubspot', 'salesforce', 'api'] as const) {
      const crmId = r.rep.crmIds[crm];
      if (crmId !== undefined && !repsByCrmId[crm].has(crmId)) repsByCrmId[crm].set(crmId, r);
    }
  }
  const accountsByDomain = new Map<string, Account>();
  for (const a of config.accounts) for (const d of a.domains) if (!accountsByDomain.has(d)) accountsByDomain.set(d, a);
  const compiled: CompiledConfig = {
    config,
    reps,
    repList,
    pools,
    queues: new Map(config.queues.map((q) => [q.id, q])),
    rules: config.rules.map((rule) => ({ rule, test: compileWhen(rule.when), requiredSkills: lower(rule.requiredSkills) })),
    accountsByDomain,
    repsByCrmId,
    fixedCounterKeys: [
      ...repList.map((r) => r.openKey),
      ...[...pools.values()].filter((p) => p.pool.strategy === 'weighted_round_robin').flatMap((p) => p.creditKeys),
    ],
  };
  cache.set(config, compiled);
  return compiled;
}

function periodKeysMemo(repId: string): (local: LocalTime) => { day: string; week: string } {
  let lastDate = '';
  let last = { day: '', week: '' };
  return (local) => {
    if (local.date !== lastDate) {
      last = { day: dayKey(repId, local.date), week: weekKey(repId, local.isoWeek) };
      lastDate = local.date;
    }
    return last;
  };
}

function compilePool(pool: Pool, reps: ReadonlyMap<string, CompiledRep>): CompiledPool {
  return {
    pool,
    id: pool.id,
    members: pool.members,
    weights: pool.members.map((m) => pool.weights?.[m] ?? reps.get(m)?.rep.weight ?? 1),
    creditKeys: pool.members.map((m) => creditKey(pool.id, m)),
    topTier: pool.topTier && new Set(pool.topTier.reps),
    requiredSkills: lower(pool.requiredSkills),
  };
}
