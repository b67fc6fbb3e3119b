// Salesforce reads related fields in one query as `Account.Name` (SOQL relationship paths). A
// mapping may name such a path; before publish we check its first hop, the relationship, which
// exists when the object has its lookup field: `Account` -> `AccountId`, `Partner__r` -> `Partner__c`.
import type { FieldPathCheck } from '../../src/connector.js';

function lookupFieldOf(relationship: string): string {
  return relationship.endsWith('__r') ? `${relationship.slice(0, -3)}__c` : `${relationship}Id`;
}

/** Undefined for a plain name (it is then an unknown field); for `Rel.Field`, whether `Rel` exists. */
export function checkSalesforceFieldPath(path: string, known: ReadonlySet<string>): FieldPathCheck | undefined {
  const dot = path.indexOf('.');
  if (dot <= 0) return undefined;
  const relationship = path.slice(0, dot);
  return known.has(lookupFieldOf(relationship))
    ? { ok: true }
    : { ok: false, message: `relationship '${relationship}' does not exist` };
}
