// CRM accounts and contacts -> the mirror's rows: the derived columns SQL can key on. Registrable
// domains come from the public-suffix list (tldts), never a hand-written parent walk:
// eu.acme.co.uk -> acme.co.uk. The in-memory index normalizes for itself; these columns are for
// SQL lookups and for people reading the table.
import { getDomain } from 'tldts';
import type { CrmAccount, CrmAccountContact } from '../connector.js';
import type { MirrorAccountRow, MirrorContactRow } from '../db/index.js';
import { emailDomainOf, websiteDomainOf } from '../lead/index.js';

export function registrableDomain(website: string): string | undefined {
  const host = websiteDomainOf(website);
  if (!host) return undefined;
  return getDomain(host, { allowPrivateDomains: false }) ?? host;
}

/** Lower case, accents and punctuation folded to spaces, spaces collapsed: "ACME, Inc." -> "acme inc". */
export function normalizedName(name: string | null): string | null {
  if (name === null) return null;
  const folded = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return folded === '' ? null : folded;
}

export function toMirrorAccountRow(a: CrmAccount): MirrorAccountRow {
  const { modstamp, ...record } = a;
  const domains = [...new Set(a.websites.flatMap((w) => registrableDomain(w) ?? []))];
  return { record, domains, nameNormalized: normalizedName(a.name), modstamp };
}

export function toMirrorContactRow(c: CrmAccountContact): MirrorContactRow {
  return {
    contactId: c.contactId,
    accountId: c.accountId,
    emailDomain: c.email === null ? null : (emailDomainOf(c.email) ?? null),
  };
}
