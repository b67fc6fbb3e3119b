// Config accounts (routing.accounts) indexed by the same matcher as the CRM mirror's accounts, so
// a config account and a CRM account with the same website match the same leads the same way.
import { createAccountIndex, type AccountMatcher } from '../accounts/index.js';
import type { Account } from './rep-schema.js';

/** Config accounts as records of the 'api' CRM whose owner id is the rep id. */
export function configAccountIndex(accounts: readonly Account[]): AccountMatcher | undefined {
  if (accounts.length === 0) return undefined;
  const index = createAccountIndex();
  for (const a of accounts)
    index.upsert({
      crm: 'api',
      id: a.id,
      name: a.name ?? null,
      websites: a.domains,
      ownerCrmId: a.owner,
      parentId: null,
      recordType: null,
      lastActivityAt: null,
      createdAt: null,
      contacts: 0,
      opportunities: 0,
      children: 0,
      fields: {},
    });
  return index;
}
