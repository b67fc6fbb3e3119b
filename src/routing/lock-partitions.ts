// Lock partitions (docs/scaling.md): which routing transactions may run at the same time. Two
// leads whose decisions could read or write a common counter (a rep's caps and open count, a
// pool's or rotation group's line, weighted credits, assignment counts) must be decided under a
// common lock; leads that cannot are decided in parallel. A graph of pools and reps: an edge for
// every rep in a pool, every overflow target, a rotation group, an SLA manager, and every rule (or
// the default) joining whatever it can send a lead to. Its connected components are the
// partitions. Anything that can reach any rep (account owners, existing owners, sticky owners)
// merges everything into one partition: when in doubt, merge.
// The one counter every partition shares is the line "all"'s sequence number: it is only ever
// incremented (so its total is exact), and a rep's place on that line is only compared with the
// places of reps in the same pool, so in the same partition, where the places keep the order one
// worker would give them (docs/scaling.md, "What stays exact").
import type { Lead } from '../lead/index.js';
import { matchedAccount } from './accounts.js';
import type { Action } from './action-schema.js';
import { compileConfig } from './compile.js';
import type { RoutingConfig } from './config-schema.js';
import { makeContext } from './context.js';
import type { DecideOptions } from './types.js';

export interface LockPartition {
  /** The rotation_cursors row this partition's transactions lock: `$routing/p/<first pool id>`, or `$routing/r/<first rep id>` without pools. */
  key: string;
  /** Sorted. */
  pools: readonly string[];
  /** Sorted. */
  reps: readonly string[];
}

export interface LockPartitions {
  /** false: one partition holds every pool and rep; routing takes the global lock, as one lock always did. */
  partitioned: boolean;
  /** Sorted by key. */
  list: readonly LockPartition[];
  /** Per rule index (config.rules order) and for the default: the partition a lead it matches is decided in; undefined = it touches no counter. */
  ofRule: readonly (LockPartition | undefined)[];
  ofDefault: LockPartition | undefined;
}

const everything = 'everything';
type Reach = Set<string> | typeof everything;

/** Pool and rep node names; ids hold no "/", so they cannot collide. */
const poolNode = (id: string) => `p/${id}`;
const repNode = (id: string) => `r/${id}`;

function reachOf(action: Action | undefined, into: Set<string>): Reach {
  if (!action) return into;
  if ('pool' in action) into.add(poolNode(action.pool));
  else if ('rep' in action) {
    into.add(repNode(action.rep));
    return reachOf(action.fallback, into);
  } else if (
    'accountOwner' in action ||
    'accountUser' in action ||
    'accountTeam' in action ||
    'existingOwner' in action
  )
    return everything; // the owner comes from the account or the CRM: any rep
  return into; // queue, skip: no counter
}

const cache = new WeakMap<RoutingConfig, LockPartitions>();

export function lockPartitions(config: RoutingConfig): LockPartitions {
  const hit = cache.get(config);
  if (hit) return hit;
  const parent = new Map<string, string>();
  const find = (n: string): string => {
    let root = parent.get(n) ?? n;
    if (!parent.has(n)) parent.set(n, n);
    while (root !== parent.get(root)) root = parent.get(root)!;
    parent.set(n, root);
    return root;
  };
  const join = (nodes: Iterable<string>) => {
    let first: string | undefined;
    for (const n of nodes) {
      const r = find(n);
      if (first === undefined) first = r;
      else if (r !== first) parent.set(r, first);
    }
  };
  let merged = false;
  for (const rep of config.reps) find(repNode(rep.id));
  for (const pool of config.pools) {
    const nodes = [poolNode(pool.id), ...pool.members.map(repNode), ...(pool.topTier?.reps ?? []).map(repNode)];
    for (const t of pool.overflow) if ('pool' in t) nodes.push(poolNode(t.pool));
    for (const t of pool.overflow) if ('rep' in t) nodes.push(repNode(t.rep));
    if (pool.rotationGroup !== undefined) nodes.push(`g/${pool.rotationGroup}`);
    if (pool.sla?.managerRepId !== undefined) nodes.push(repNode(pool.sla.managerRepId));
    join(nodes);
  }
  const ruleReach = config.rules.map((r) => (r.stickyOwner ? everything : reachOf(r.action, new Set())));
  const defaultReach = reachOf(config.default, new Set());
  for (const reach of [...ruleReach, defaultReach]) {
    if (reach === everything) merged = true;
    else join(reach);
  }
  if (merged) join([...parent.keys()]);

  const members = new Map<string, { pools: string[]; reps: string[] }>();
  for (const n of parent.keys()) {
    const m = members.get(find(n)) ?? { pools: [], reps: [] };
    members.set(find(n), m);
    if (n.startsWith('p/')) m.pools.push(n.slice(2));
    else if (n.startsWith('r/')) m.reps.push(n.slice(2));
  }
  const byRoot = new Map<string, LockPartition>();
  for (const [root, m] of members) {
    m.pools.sort();
    m.reps.sort();
    const key = m.pools.length > 0 ? `$routing/p/${m.pools[0]}` : `$routing/r/${m.reps[0] ?? root}`;
    byRoot.set(root, { key, pools: m.pools, reps: m.reps });
  }
  const partitionOf = (reach: Reach): LockPartition | undefined => {
    if (reach === everything) return byRoot.get(find(repNode(config.reps[0]!.id)));
    const [first] = reach;
    return first === undefined ? undefined : byRoot.get(find(first));
  };
  const list = [...byRoot.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const result: LockPartitions = {
    partitioned: list.length > 1,
    list,
    ofRule: ruleReach.map(partitionOf),
    ofDefault: partitionOf(defaultReach),
  };
  cache.set(config, result);
  return result;
}

/**
 * The partition a lead is decided in: the one its first matching rule (or the default) reaches.
 * Rule matching reads only the lead, the time and its account, never routing state, so this is
 * known before any lock is taken and is what decide() will match under the lock (same inputs).
 * undefined: the lead's decision reads and writes no counter (no rule, a queue, a skip).
 */
export function leadLockPartition(
  lead: Lead,
  config: RoutingConfig,
  now: Date,
  options: DecideOptions = {},
): LockPartition | undefined {
  const parts = lockPartitions(config);
  const compiled = compileConfig(config);
  const ctx = makeContext(lead, compiled, { cursors: {}, counters: {} }, now, options);
  const input = { lead: ctx.lead, now: ctx.now, account: () => matchedAccount(ctx) };
  for (let i = 0; i < compiled.rules.length; i++) {
    const r = compiled.rules[i]!;
    if (r.rule.enabled && r.test(input, [])) return parts.ofRule[i];
  }
  return parts.ofDefault;
}
