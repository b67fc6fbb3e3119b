// The one spelling of "the CRM owner id of a rep or CRM queue", used by routing, SLA escalation
// and (in reverse) sync's findRepByCrmId. The admin's explicit crmIds entry wins; only when there
// is none does a lead from the API (no CRM of its own) take our id. The other order would write a
// different owner for the same rep depending on which path assigned it, and sync could not map
// an explicit api id back to the rep.
import type { CrmName } from '../lead/index.js';

export function crmOwnerIdOf(
  owner: { id: string; crmIds: Partial<Record<CrmName, string>> },
  crm: CrmName,
): string | undefined {
  return owner.crmIds[crm] ?? (crm === 'api' ? owner.id : undefined);
}
