// Which state rows decide() may read or change for a config at a moment. The caller loads and
// locks exactly these (SELECT ... FOR UPDATE, in a stable order to avoid deadlocks), calls
// decide with the same `now`, and applies decision.stateChange in the same transaction.
// decide can reach any rep (overflow, account owners), so the set is the whole config's:
// parallel workers serialise on it, which is what keeps rotation exact; a decision takes
// microseconds, so the lock is held for the transaction, not for routing.
import { compileConfig } from './compile.js';
import type { RoutingConfig } from './config-schema.js';
import { dayKey, weekKey } from './counter-keys.js';

export function stateKeys(config: RoutingConfig, now: Date): { pools: string[]; counters: string[] } {
  const compiled = compileConfig(config);
  const counters = [...compiled.fixedCounterKeys];
  for (const rep of compiled.repList) {
    // A rep with an invalid zone is never assigned (see availability.ts), so has no day/week rows.
    const local = rep.clock?.at(now);
    if (local) counters.push(dayKey(rep.id, local.date), weekKey(rep.id, local.isoWeek));
  }
  return { pools: compiled.config.pools.map((p) => p.id), counters: [...new Set(counters)].sort() };
}
