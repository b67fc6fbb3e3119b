// The maps one index keeps, shared by the index (which fills them) and the matcher (which reads
// them). Accounts are slot numbers (account-store.ts) everywhere but in the store itself.
import type { AccountStore } from './account-store.js';
import type { ListMap } from './list-map.js';
import type { NameTable } from './name-table.js';
import type { ContactDomainCount } from './types.js';

/** A lead domain's host and registrable domain, or null (not a company domain: junk, free mail). */
export type DomainKey = { host: string; domain: string } | null;

export interface AccountTables {
  accounts: AccountStore;
  /** Registrable domain -> slots of accounts whose websites have it. */
  byDomain: ListMap<number>;
  /** Exact subdomain host (eu.acme.com) -> slots of accounts whose websites are on it. */
  byHost: ListMap<number>;
  /** Registrable domain -> slots of accounts with a website on a subdomain of it, used when byDomain has none. */
  byParent: ListMap<number>;
  /** Base label ("acme") -> registrable domains indexed with it (acme.com, acme.de), for cross-TLD. */
  byBase: ListMap<string>;
  /** Email domain -> per-account contact counts. */
  contactDomains: ListMap<ContactDomainCount>;
  names: NameTable;
  /** Lead domain value -> its host and registrable domain (a bounded memo; see match-lead.ts). */
  domainKeys: Map<string, DomainKey>;
}
