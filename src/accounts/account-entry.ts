// The keys one account is filed under, computed from its record: at upsert (to file it), at
// removal (to unfile it) and for a name match's few candidates (to weigh the lead's signals).
// Not kept per account: a million of these objects would cost more than the records.
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

/** The entry of a record; `name`, when the caller already knows the normalized name. */
export function toEntry(record: AccountRecord, name?: string): AccountEntry {
  let domains: string[] | undefined;
  let hosts: string[] | undefined;
  let parents: string[] | undefined;
  for (const w of record.websites) {
    const host = domainOf(w);
    const d = host && registrableDomainOfHost(host);
    if (!host || !d) continue;
    if (host === d) {
      if (!domains?.includes(d)) (domains ??= []).push(d);
    } else {
      if (!hosts?.includes(host)) (hosts ??= []).push(host);
      if (!parents?.includes(d)) (parents ??= []).push(d);
    }
  }
  const parentsOnly = parents?.filter((p) => !domains?.includes(p));
  return {
    record,
    domains: domains ?? none,
    hosts: hosts ?? none,
    parents: parentsOnly && parentsOnly.length > 0 ? parentsOnly : none,
    name: name ?? (record.name ? normalizeCompanyName(record.name) : ''),
  };
}
