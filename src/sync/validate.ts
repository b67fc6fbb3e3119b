// The reference checks of the sync and SLA settings that zod cannot make; the config document
// validation runs it next to validateRoutingConfig so a broken reference never becomes active.
import type { ConfigIssue, PartialRoutingConfig } from '../routing/index.js';

/** `config` may hold holes where items failed the schema (see routing/validate.ts): they are skipped. */
export function validateSyncConfig(config: PartialRoutingConfig, base = 'routing'): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const reps = new Map(config.reps.flatMap((r) => (r ? [[r.id, r] as const] : [])));
  config.pools.forEach((pool, i) => {
    const manager = pool?.sla?.managerRepId;
    if (manager === undefined) return;
    const path = `${base}.pools[${i}].sla.managerRepId`;
    const rep = reps.get(manager);
    if (!rep) issues.push({ path, message: `names rep "${manager}", which does not exist` });
    else if (!rep.active)
      issues.push({ path, message: `rep "${manager}" is inactive, so escalations would go nowhere` });
  });
  return issues;
}
