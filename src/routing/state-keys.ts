// Which state rows decide() may read or change for a config at a moment. The caller loads and
// locks exactly these (SELECT ... FOR UPDATE, in a stable order to avoid deadlocks), calls
// decide with the same `now`, and applies decision.stateChange in the same transaction.
// decide can reach any rep (overflow, account owners), so the set is the whole config's:
// parallel workers serialise on it, which is what keeps rotation exact; a decision takes
// microseconds, so the lock is held for the transaction, not for routing.
// Every key decide writes as "new value minus the one read" (places on a rotation line) must be
// here, or the delta would be taken from 0; plain increments (open, day, ...) need only be here
// when something reads them.
import { compileConfig } from './compile.js';
import type { RoutingConfig } from './config-schema.js';

export function stateKeys(config: RoutingConfig, now: Date): { pools: string[]; counters: string[] } {
  const compiled = compileConfig(config);
  const counters = [...compiled.fixedCounterKeys];
  for (const rep of compiled.repList) {
    // A rep with an invalid zone is never assigned (see availability.ts), so has no period rows.
    const local = rep.clock?.at(now);
    if (!local) continue;
    const keys = rep.periodKeys(local);
    counters.push(keys.day, keys.week, keys.month);
    if (rep.countsHours) counters.push(...rep.hourKeys(now.getTime(), Math.max(1, rep.rep.capRolling?.hours ?? 1)));
  }
  for (const pool of compiled.pools.values()) {
    if (pool.pool.strategy === 'weighted_round_robin') counters.push(...pool.creditKeys(pool.periodOf(now)));
    if (pool.pool.strategy === 'least_loaded' && pool.pool.loadBy === 'assignments')
      counters.push(...pool.countKeys(pool.periodOf(now)));
  }
  return { pools: compiled.config.pools.map((p) => p.id), counters: [...new Set(counters)].sort() };
}
