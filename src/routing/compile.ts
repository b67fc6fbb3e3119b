// Everything about a config that does not depend on the lead, computed once per config object
// (WeakMap: a new published version is a new object, and the old one is collected with its cache).
// Configs are treated as immutable after parse; mutate one in place and the cache goes stale.
import type { CrmName } from '../lead/index.js';
import { compileWhen, leadingLeaf, type CompiledCondition, type LeadingLeaf } from './conditions.js';
import { defaultMatchOptions, type AccountMatcher, type MatchOptions } from '../accounts/index.js';
import { configAccountIndex } from './config-account-index.js';
import type { CrmQueue, Pool, Rep, RoutingConfig, Rule } from './config-schema.js';
import {
  creditKey,
  countKey,
  dayKey,
  globalLine,
  groupLine,
  countsHours,
  hourKey,
  lastKey,
  lineSeqKey,
  monthKey,
  openKey,
  poolLine,
  weekKey,
} from './counter-keys.js';
import { zoneClock, type LocalTime, type ZoneClock } from './local-time.js';
import { compileSchedule, sharedSchedulesOf, type Schedule } from './working-hours.js';

export interface CompiledRep {
  rep: Rep;
  id: string;
  /** undefined when the zone is invalid: the rep is then treated as off hours (validation reports it). */
  clock: ZoneClock | undefined;
  schedule: Schedule;
  skills: ReadonlySet<string>;
  languages: ReadonlySet<string>;
  openKey: string;
  /** The rep's place on the line "all" (every lead by any route). */
  globalLastKey: string;
  /** Day/week/month counter keys for a local time, remembered per date so the hot path builds no strings. */
  periodKeys(local: LocalTime): { day: string; week: string; month: string };
  /** Hour counter keys, newest first: the current UTC hour and the n-1 before it (remembered per hour). */
  hourKeys(nowMs: number, n: number): readonly string[];
  /** capPerHour or capRolling set: only then are hours counted (a row per rep-hour is not free). */
  countsHours: boolean;
}

export interface CompiledPool {
  pool: Pool;
  id: string;
  members: readonly string[];
  /** Weight per member position (weighted_round_robin). */
  weights: readonly number[];
  /** Weight per member position in thousandths (integers: credits never drift). */
  weights1000: readonly number[];
  /** The rotation line this pool walks (its own, or its rotationGroup's). */
  line: string;
  /** The line's sequence key. */
  seqKey: string;
  /** Per member position: the member's place on the line. */
  lastKeys: readonly string[];
  /** The places on the pool's line: its own members', or for a rotationGroup every grouped pool's members (config order). */
  lineKeys: readonly string[];
  /** Per member position: the index of the member's place in lineKeys. */
  lineIndex: readonly number[];
  /** Per member position: the member's place on the line "all". */
  globalLastKeys: readonly string[];
  /** Per member position: priority tier (all 0 without pool.priority). */
  priorities: readonly number[];
  /** The pool's counting period at a moment ("all" for all_time, else the local date, ISO week or month). */
  periodOf(now: Date): string;
  /** Per member position, weighted credit keys / assignment count keys for a period (remembered per period). */
  creditKeys(period: string): readonly string[];
  countKeys(period: string): readonly string[];
  topTier: ReadonlySet<string> | undefined;
  requiredSkills: readonly string[];
}

export interface CompiledRule {
  rule: Rule;
  test: CompiledCondition;
  requiredSkills: readonly string[];
  leading: LeadingLeaf | undefined;
}

export interface CompiledConfig {
  config: RoutingConfig;
  reps: ReadonlyMap<string, CompiledRep>;
  repList: readonly CompiledRep[];
  pools: ReadonlyMap<string, CompiledPool>;
  queues: ReadonlyMap<string, CrmQueue>;
  rules: readonly CompiledRule[];
  /** Config accounts (routing.accounts) in the same matcher the CRM mirror uses; undefined when there are none. */
  configAccounts: AccountMatcher | undefined;
  /** routing.accountMatching with its defaults. */
  matchOptions: MatchOptions;
  /** Rep by owner id in each CRM, for sticky routing. For 'api' the rep id also matches. */
  repsByCrmId: Readonly<Record<CrmName, ReadonlyMap<string, CompiledRep>>>;
  /** Counter keys that do not depend on the time. */
  fixedCounterKeys: readonly string[];
}

const cache = new WeakMap<RoutingConfig, CompiledConfig>();
const lower = (xs: readonly string[]) => xs.map((x) => x.toLowerCase());
/** "de-AT" and "de" are the same language for routing. */
export const primaryLanguage = (tag: string): string => {
  let p = primaryOf.get(tag);
  if (p === undefined) {
    p = tag.toLowerCase().split(/[-_]/)[0] ?? '';
    // Every decision asks for its lead's language; a few tags recur, so remember them (bounded).
    if (primaryOf.size < 1024) primaryOf.set(tag, p);
  }
  return p;
};
const primaryOf = new Map<string, string>();

export function compileConfig(config: RoutingConfig): CompiledConfig {
  const hit = cache.get(config);
  if (hit) return hit;
  const shared = sharedSchedulesOf(config);
  const repList = config.reps.map((rep): CompiledRep => ({
    rep,
    id: rep.id,
    clock: zoneClock(rep.timeZone),
    schedule: compileSchedule(rep, shared),
    skills: new Set(lower(rep.skills)),
    languages: new Set(rep.languages.map(primaryLanguage)),
    openKey: openKey(rep.id),
    globalLastKey: lastKey(globalLine, rep.id),
    periodKeys: periodKeysMemo(rep.id),
    hourKeys: hourKeysMemo(rep.id),
    countsHours: countsHours(rep),
  }));
  const reps = new Map(repList.map((r) => [r.id, r]));
  const groups = new Map<string, string[]>();
  for (const p of config.pools) {
    if (p.rotationGroup === undefined) continue;
    const members = groups.get(p.rotationGroup) ?? [];
    for (const m of p.members) if (!members.includes(m)) members.push(m);
    groups.set(p.rotationGroup, members);
  }
  const pools = new Map(
    config.pools.map((pool) => [
      pool.id,
      compilePool(pool, reps, pool.rotationGroup === undefined ? pool.members : groups.get(pool.rotationGroup)!),
    ]),
  );
  const repsByCrmId = { hubspot: new Map(), salesforce: new Map(), api: new Map() } as Record<
    CrmName,
    Map<string, CompiledRep>
  >;
  for (const r of repList) {
    repsByCrmId.api.set(r.id, r);
    for (const crm of ['hubspot', 'salesforce', 'api'] as const) {
      const crmId = r.rep.crmIds[crm];
      if (crmId !== undefined && !repsByCrmId[crm].has(crmId)) repsByCrmId[crm].set(crmId, r);
    }
  }
  const compiled: CompiledConfig = {
    config,
    reps,
    repList,
    pools,
    queues: new Map(config.queues.map((q) => [q.id, q])),
    rules: config.rules.map((rule) => ({
      rule,
      test: compileWhen(rule.when),
      requiredSkills: lower(rule.requiredSkills),
      leading: leadingLeaf(rule.when),
    })),
    configAccounts: configAccountIndex(config.accounts),
    matchOptions: config.accountMatching ?? defaultMatchOptions,
    repsByCrmId,
    fixedCounterKeys: repList.flatMap((r) => [r.openKey, r.globalLastKey]).concat(lineKeys([...pools.values()])),
  };
  cache.set(config, compiled);
  return compiled;
}

/** Every line's sequence key and every member's place on it (decide writes places as deltas from what it read). */
function lineKeys(pools: readonly CompiledPool[]): string[] {
  return [lineSeqKey(globalLine), ...pools.flatMap((p) => [lineSeqKey(p.line), ...p.lineKeys])];
}

function periodKeysMemo(repId: string): (local: LocalTime) => { day: string; week: string; month: string } {
  let lastDate = '';
  let last = { day: '', week: '', month: '' };
  return (local) => {
    if (local.date !== lastDate) {
      last = {
        day: dayKey(repId, local.date),
        week: weekKey(repId, local.isoWeek),
        month: monthKey(repId, local.date),
      };
      lastDate = local.date;
    }
    return last;
  };
}

const hourMs = 3_600_000;
function hourKeysMemo(repId: string): (nowMs: number, n: number) => readonly string[] {
  let lastHour = Number.NaN;
  let last: string[] = [];
  return (nowMs, n) => {
    const hour = Math.floor(nowMs / hourMs);
    if (hour !== lastHour || last.length < n) {
      last = Array.from({ length: Math.max(n, 1) }, (_, i) => hourKey(repId, (hour - i) * hourMs));
      lastHour = hour;
    }
    return last.length === n ? last : last.slice(0, n);
  };
}

/** A per-period list of keys, rebuilt only when the period changes. */
function perPeriod(build: (period: string) => string[]): (period: string) => readonly string[] {
  let lastPeriod = '';
  let last: string[] = [];
  return (period) => {
    if (period !== lastPeriod) {
      last = build(period);
      lastPeriod = period;
    }
    return last;
  };
}

function compilePool(pool: Pool, reps: ReadonlyMap<string, CompiledRep>, lineMembers: readonly string[]): CompiledPool {
  const line = pool.rotationGroup !== undefined ? groupLine(pool.rotationGroup) : poolLine(pool.id);
  const weights = pool.members.map((m) => pool.weights?.[m] ?? reps.get(m)?.rep.weight ?? 1);
  const period = pool.period ?? 'all_time';
  // An invalid zone is a validation error; decide falls back to UTC rather than refusing the pool.
  const clock = zoneClock(pool.timeZone ?? 'UTC') ?? zoneClock('UTC')!;
  return {
    pool,
    id: pool.id,
    members: pool.members,
    weights,
    weights1000: weights.map((w) => Math.round(w * 1000)),
    line,
    seqKey: lineSeqKey(line),
    lastKeys: pool.members.map((m) => lastKey(line, m)),
    lineKeys: lineMembers.map((m) => lastKey(line, m)),
    lineIndex: pool.members.map((m) => lineMembers.indexOf(m)),
    globalLastKeys: pool.members.map((m) => lastKey(globalLine, m)),
    priorities: pool.members.map((m) => pool.priority?.[m] ?? 0),
    periodOf: (now) => {
      if (period === 'all_time') return 'all';
      const local = clock.at(now);
      return period === 'day' ? local.date : period === 'week' ? local.isoWeek : local.date.slice(0, 7);
    },
    creditKeys: perPeriod((p) => pool.members.map((m) => creditKey(line, p, m))),
    countKeys: perPeriod((p) => pool.members.map((m) => countKey(line, p, m))),
    topTier: pool.topTier && new Set(pool.topTier.reps),
    requiredSkills: lower(pool.requiredSkills),
  };
}
