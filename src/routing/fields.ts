// The lead fields a rule may test, resolved once per rule into a getter so evaluation is a
// property read, not a path walk. `custom.<name>` reads lead.custom; `source.crm` and
// `source.objectType` let a rule tell HubSpot contacts from Salesforce leads.
import { canonicalFields, type Lead } from '../lead/index.js';
import { accountFieldNames, isKnownAccountField } from './account-fields.js';

export type FieldGetter = (lead: Lead) => unknown;

const canonical = new Set<string>(canonicalFields);
const customPrefix = 'custom.';

/** Every field a rule may name except custom.<name> (for "did you mean"). */
export const knownFieldNames: readonly string[] = [
  ...canonicalFields,
  'source.crm',
  'source.objectType',
  ...accountFieldNames,
];

export function isKnownField(field: string): boolean {
  if (canonical.has(field)) return true;
  if (field === 'source.crm' || field === 'source.objectType') return true;
  if (isKnownAccountField(field)) return true;
  return field.startsWith(customPrefix) && field.length > customPrefix.length;
}

export function fieldGetter(field: string): FieldGetter {
  if (field === 'source.crm') return (lead) => lead.source.crm;
  if (field === 'source.objectType') return (lead) => lead.source.objectType;
  if (field.startsWith(customPrefix)) {
    const name = field.slice(customPrefix.length);
    return (lead) => lead.custom?.[name];
  }
  const key = field as keyof Lead;
  return (lead) => lead[key];
}
