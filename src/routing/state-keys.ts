// Which state rows decide() may read or change for a config at a moment. The caller loads and
// locks exactly these (SELECT ... FOR UPDATE, in a stable order to avoid deadlocks), calls
// decide with the same `now`, and applies decision.stateChange in the same transaction.
// decide can reach any rep (overflow, account owners), so the set is the whole config's:
// parallel workers serialise on it, which is what keeps rotation exact; a decision takes
// microseconds, so the lock is held for the transaction, not for routing.
// Every key decide writes as "new value minus the one read" (places on a rotation line) must be
// here, or the delta would be taken from 0; plain increments (open, day, ...) need only be here
// when something reads them.
import { compileConfig, type CompiledConfig, type CompiledPool, type CompiledRep } from './compile.js';
import type { RoutingConfig } from './config-schema.js';
import { globalLine, lineSeqKey } from './counter-keys.js';
import type { LockPartition } from './lock-partitions.js';

export function stateKeys(
  config: RoutingConfig,
  now: Date,
  /** Only one lock partition's rows (lock-partitions.ts): its reps' and pools' keys, and the line "all"'s sequence. */
  only?: Pick<LockPartition, 'pools' | 'reps'>,
): { pools: string[]; counters: string[] } {
  const compiled = compileConfig(config);
  if (only) return partitionKeys(compiled, now, only);
  const counters = [...compiled.fixedCounterKeys];
  for (const rep of compiled.repList) repCounters(rep, now, counters);
  poolCounters(compiled.pools.values(), now, counters);
  return { pools: compiled.config.pools.map((p) => p.id), counters: [...new Set(counters)].sort() };
}

/** The same keys as the whole config's, restricted to one partition's reps and pools (a pool's line holds only its partition's reps). */
function partitionKeys(
  compiled: CompiledConfig,
  now: Date,
  only: Pick<LockPartition, 'pools' | 'reps'>,
): { pools: string[]; counters: string[] } {
  const counters = [lineSeqKey(globalLine)];
  for (const id of only.reps) {
    const rep = compiled.reps.get(id);
    if (!rep) continue;
    counters.push(rep.openKey, rep.globalLastKey);
    repCounters(rep, now, counters);
  }
  const pools = only.pools.flatMap((id) => compiled.pools.get(id) ?? []);
  for (const pool of pools) counters.push(pool.seqKey, ...pool.lineKeys);
  poolCounters(pools, now, counters);
  return { pools: [...only.pools], counters: [...new Set(counters)].sort() };
}

function repCounters(rep: CompiledRep, now: Date, counters: string[]): void {
  // A rep with an invalid zone is never assigned (see availability.ts), so has no period rows.
  const local = rep.clock?.at(now);
  if (!local) return;
  const keys = rep.periodKeys(local);
  counters.push(keys.day, keys.week, keys.month);
  if (rep.countsHours) counters.push(...rep.hourKeys(now.getTime(), Math.max(1, rep.rep.capRolling?.hours ?? 1)));
}

function poolCounters(pools: Iterable<CompiledPool>, now: Date, counters: string[]): void {
  for (const pool of pools) {
    if (pool.pool.strategy === 'weighted_round_robin') counters.push(...pool.creditKeys(pool.periodOf(now)));
    if (pool.pool.strategy === 'least_loaded' && pool.pool.loadBy === 'assignments')
      counters.push(...pool.countKeys(pool.periodOf(now)));
  }
}
