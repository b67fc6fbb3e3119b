// One indexed account: the record and the keys it is filed under, computed once at upsert so a
// match reads maps only.
import { normalizeCompanyName } from './company-name.js';
import { domainOf } from '../lead/index.js';
import { registrableDomainOfHost } from './registrable-domain.js';
import type { AccountRecord } from './types.js';

export interface AccountEntry {
  record: AccountRecord;
  /** Registrable domains of the account's websites on that domain itself (acme.com, www.acme.com). */
  domains: readonly string[];
  /** Websites on a subdomain (eu.acme.com): matched exactly, and by their registrable domain
   *  (in `parents`) only when no account has that domain itself, so a subsidiary's site never
   *  competes with the parent company's own domain. */
  hosts: readonly string[];
  parents: readonly string[];
  /** Normalized company name ('' when the account has none). */
  name: string;
}

const none: readonly string[] = Object.freeze([]);

export const accountKey = (crm: string, id: string) => `${crm}:${id}`;

export function toEntry(record: AccountRecord): AccountEntry {
  const domains: string[] = [];
  const hosts: string[] = [];
  const parents: string[] = [];
  const once = (list: string[], v: string) => list.includes(v) || list.push(v);
  for (const w of record.websites) {
    const host = domainOf(w);
    const d = host && registrableDomainOfHost(host);
    if (!host || !d) continue;
    if (host === d) once(domains, d);
    else {
      once(hosts, host);
      once(parents, d);
    }
  }
  const parentsOnly = parents.filter((p) => !domains.includes(p));
  // Most accounts have one website on its own domain: share one empty list rather than hold two per account.
  return {
    record,
    domains,
    hosts: hosts.length === 0 ? none : hosts,
    parents: parentsOnly.length === 0 ? none : parentsOnly,
    name: record.name ? normalizeCompanyName(record.name) : '',
  };
}
