// An SLA reassignment routes the lead again through routing.decide, which has no "anyone but"
// option. The reps to skip are marked inactive in a copy of the config: they keep their place in
// every pool (round-robin positions do not shift), sticky-owner rules cannot hand the lead back,
// and the trace shows them skipped (REP_INACTIVE). The copy is a new object, so routing compiles
// it afresh: fine for a breach, too slow to do per lead.
import type { RoutingConfig } from '../routing/index.js';

export function excludeReps(config: RoutingConfig, repIds: readonly string[]): RoutingConfig {
  if (repIds.length === 0) return config;
  const skip = new Set(repIds);
  return { ...config, reps: config.reps.map((r) => (skip.has(r.id) ? { ...r, active: false } : r)) };
}
