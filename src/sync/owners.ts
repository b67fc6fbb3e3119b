// CRM owner id -> our rep or queue, by the routing config's crmIds. The same id space routing
// writes back with (for 'api' leads the rep id itself is the owner id).
import type { CrmName } from '../lead/index.js';
import type { Rep, RoutingConfig } from '../routing/index.js';

export interface ResolvedOwner {
  /** The CRM owner id as the CRM reports it; null = the owner was cleared. */
  crmOwnerId: string | null;
  /** Our rep with that CRM id, or null when the owner is not one of our reps. */
  repId: string | null;
  /** Our CRM queue with that id, or null. */
  queueId: string | null;
}

/** The reverse of routing's crmOwnerIdOf, in its order: an explicit crmIds entry first, then (API leads) our rep id. */
export function findRepByCrmId(config: RoutingConfig, crm: CrmName, crmOwnerId: string | null): Rep | undefined {
  if (crmOwnerId === null) return undefined;
  return (
    config.reps.find((r) => r.crmIds[crm] === crmOwnerId) ??
    (crm === 'api' ? config.reps.find((r) => r.id === crmOwnerId) : undefined)
  );
}

export function resolveOwner(config: RoutingConfig, crm: CrmName, crmOwnerId: string | null): ResolvedOwner {
  const rep = findRepByCrmId(config, crm, crmOwnerId);
  const queue = rep || crmOwnerId === null ? undefined : config.queues.find((q) => q.crmIds[crm] === crmOwnerId);
  return { crmOwnerId, repId: rep?.id ?? null, queueId: queue?.id ?? null };
}
