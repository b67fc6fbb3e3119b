// CRM account records and people for the account index, with plain defaults.
import {
  createAccountIndex,
  type AccountMatcher,
  type AccountRecord,
  type PersonRecord,
} from '../../src/accounts/index.js';

export function aCrmAccount(overrides: Partial<AccountRecord> & { id: string }): AccountRecord {
  return {
    crm: 'salesforce',
    name: null,
    websites: [],
    ownerCrmId: null,
    parentId: null,
    recordType: null,
    lastActivityAt: null,
    createdAt: null,
    contacts: 0,
    opportunities: 0,
    children: 0,
    fields: {},
    ...overrides,
  };
}

export function aPerson(overrides: Partial<PersonRecord> & { id: string; email: string }): PersonRecord {
  return { crm: 'salesforce', kind: 'contact', ownerCrmId: null, ...overrides };
}

export function anIndexOf(records: readonly AccountRecord[]): AccountMatcher {
  const index = createAccountIndex();
  for (const r of records) index.upsert(r);
  return index;
}
