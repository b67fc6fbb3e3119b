// What an owner write sends besides the owner: the routing reason, in the field the mapping for
// that CRM object type names (reasonField), and nothing when it names none. Connectors send
// these fields verbatim, so a field no mapping names is never sent (a CRM refuses unknown fields:
// Salesforce INVALID_FIELD, HubSpot PROPERTY_DOESNT_EXIST).
import type { MappingSet } from './mapping-schema.js';

/** The outbox row's extra fields for an owner write of this record: `{ [reasonField]: reason }`, or null. */
export function ownerWriteFields(
  mappings: MappingSet,
  record: { crm: string; objectType: string },
  reason: string,
): Record<string, string> | null {
  const field = mappings[`${record.crm}/${record.objectType}`]?.reasonField;
  return field ? { [field]: reason } : null;
}
