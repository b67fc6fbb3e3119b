// Which conflict policy governs a lead: the rule that routed it, else its pool, else the
// config's sync default, else crm_wins. crm_wins is the default because a person's reassignment
// must never be overwritten unless an admin asked for it (ARCHITECTURE.md invariant 3).
import type { ConflictPolicy, RoutingConfig } from '../routing/index.js';

export const defaultConflictPolicy: ConflictPolicy = { policy: 'crm_wins' };

export interface ResolvedPolicy {
  policy: ConflictPolicy;
  /** Where it came from, for the conflict row and "why did you revert this?". */
  from: 'rule' | 'pool' | 'sync' | 'default';
}

/** ruleId and poolId are those stored on the lead's assignment (a rule or pool since removed is skipped). */
export function resolveConflictPolicy(
  config: RoutingConfig,
  routedBy: { ruleId?: string | null; poolId?: string | null },
): ResolvedPolicy {
  const rule = routedBy.ruleId ? config.rules.find((r) => r.id === routedBy.ruleId) : undefined;
  if (rule?.conflictPolicy) return { policy: rule.conflictPolicy, from: 'rule' };
  const pool = routedBy.poolId ? config.pools.find((p) => p.id === routedBy.poolId) : undefined;
  if (pool?.conflictPolicy) return { policy: pool.conflictPolicy, from: 'pool' };
  if (config.sync) return { policy: config.sync.conflictPolicy, from: 'sync' };
  return { policy: defaultConflictPolicy, from: 'default' };
}
