// The matching waterfall for one lead, first hit wins:
//   1. website: the registrable domain of lead.websiteDomain on an account's website
//   2. email_domain: the same for the email's domain (never for free mail)
//   3. contact_domain: no account has the domain, so the account holding most contacts at it
//   4. cross_tld (opt-in): same base label under another suffix (acme.de -> acme.com)
//   5. name: normalized company name, exact then trigram-similar, with a supporting signal
// Several accounts at one step go through the tie-break waterfall; when it does not decide
// (or the admin said do_not_guess) the lead is unmatched: a guess would route it wrongly.
import { domainOf, isFreeEmailDomain, type Lead } from '../lead/index.js';
import { toEntry } from './account-entry.js';
import type { AccountTables, DomainKey } from './account-tables.js';
import { normalizeCompanyName } from './company-name.js';
import type { MatchOptions } from './match-options.js';
import { bestSupported, type LeadSignals, type NameCandidate } from './name-signal.js';
import { baseLabel, registrableDomainOfHost } from './registrable-domain.js';
import { breakTie, candidateIds } from './tie-break.js';
import type { AccountMatch, AccountMatchMethod, AccountRecord } from './types.js';

interface LeadDomain {
  value: string;
  /** The normalized host (eu.acme.com) and its registrable domain (acme.com). */
  host: string;
  domain: string;
  method: 'website' | 'email_domain';
}

function domainKeyOf(value: string): DomainKey {
  const host = domainOf(value);
  const domain = host && registrableDomainOfHost(host);
  if (!host || !domain || isFreeEmailDomain(domain) || isFreeEmailDomain(host)) return null;
  return { host, domain };
}

// Leads come from the same companies again and again: their domain keys are remembered (per
// index, bounded; cleared whole when full, which keeps it simple and never wrong).
const memoLimit = 50_000;

function cachedKey(value: string, memo: Map<string, DomainKey>): DomainKey {
  let key = memo.get(value);
  if (key === undefined) {
    if (memo.size >= memoLimit) memo.clear();
    key = domainKeyOf(value);
    memo.set(value, key);
  }
  return key;
}

/** The lead's company domains: website, then email; free-mail domains are nobody's company. */
export function leadDomains(lead: Lead, memo: Map<string, DomainKey>): LeadDomain[] {
  const out: LeadDomain[] = [];
  if (lead.websiteDomain !== undefined) {
    const k = cachedKey(lead.websiteDomain, memo);
    if (k) out.push({ value: lead.websiteDomain, host: k.host, domain: k.domain, method: 'website' });
  }
  if (lead.emailDomain !== undefined && lead.freeEmail !== true) {
    const k = cachedKey(lead.emailDomain, memo);
    if (k && (out.length === 0 || out[0]!.host !== k.host))
      out.push({ value: lead.emailDomain, host: k.host, domain: k.domain, method: 'email_domain' });
  }
  return out;
}

const maxHierarchyDepth = 50;

function topParent(record: AccountRecord, tables: AccountTables): AccountRecord | undefined {
  let top = record;
  for (let i = 0; i < maxHierarchyDepth && top.parentId !== null; i++) {
    const parent = tables.accounts.get(top.crm, top.parentId);
    if (!parent || parent === record) break; // a parent not mirrored (or a cycle) ends the walk
    top = parent;
  }
  return top === record ? undefined : top;
}

function pick(
  method: AccountMatchMethod,
  key: string,
  leadValue: string,
  records: readonly AccountRecord[],
  confidence: number,
  tables: AccountTables,
  options: MatchOptions,
): AccountMatch | undefined {
  let winner: AccountRecord | undefined = records[0];
  let tieBreak: string | undefined;
  let candidates: readonly string[] = [winner!.id];
  if (records.length > 1) {
    const r = breakTie(records, options.tieBreak);
    winner = r.winner;
    tieBreak = r.decidedBy;
    if (!winner) return undefined;
    candidates = candidateIds(records, winner);
  }
  if (!winner) return undefined;
  const match: AccountMatch = {
    account: winner,
    method,
    key,
    candidates,
    confidence: Math.round(confidence * 1000) / 1000,
    leadValue,
  };
  if (tieBreak !== undefined) match.tieBreak = tieBreak;
  if (options.rollUpToParent) {
    const top = topParent(winner, tables);
    if (top) match.ultimateParent = top;
  }
  return match;
}

function recordsOf(slots: readonly number[], tables: AccountTables): AccountRecord[] {
  const out: AccountRecord[] = [];
  for (const slot of slots) {
    const r = tables.accounts.at(slot);
    if (r) out.push(r);
  }
  return out;
}

/** A name's accounts, for their supporting signals (domains computed again, only if compared). */
function candidatesOf(slots: readonly number[], tables: AccountTables): NameCandidate[] {
  const out: NameCandidate[] = [];
  for (const slot of slots) {
    const record = tables.accounts.at(slot);
    if (!record) continue;
    const name = tables.names.nameOf(slot);
    let domains: readonly string[] | undefined;
    out.push({ record, name, domains: () => (domains ??= toEntry(record, name).domains) });
  }
  return out;
}

function byContacts(d: LeadDomain, tables: AccountTables, options: MatchOptions): AccountMatch | undefined {
  const rows = tables.contactDomains.get(d.domain);
  if (!rows) return undefined;
  let total = 0;
  let most = 0;
  let top: AccountRecord[] = [];
  for (const row of rows) {
    const record = tables.accounts.get(row.crm, row.accountId);
    if (!record || row.contacts <= 0) continue;
    total += row.contacts;
    if (row.contacts > most) [most, top] = [row.contacts, [record]];
    else if (row.contacts === most) top.push(record);
  }
  if (top.length === 0) return undefined;
  // Confidence: the dominant account's share of the domain's contacts.
  return pick('contact_domain', d.domain, d.value, top, 0.8 * (most / total), tables, options);
}

function byCrossTld(d: LeadDomain, tables: AccountTables, options: MatchOptions): AccountMatch | undefined {
  const base = baseLabel(d.domain);
  if (base === undefined || base.length < 3) return undefined;
  const others = (tables.byBase.get(base) ?? []).filter((o) => o !== d.domain);
  const slots = others.flatMap((o) => tables.byDomain.get(o) ?? []);
  if (slots.length === 0) return undefined;
  return pick('cross_tld', base, d.value, recordsOf(slots, tables), 0.7, tables, options);
}

function byName(lead: Lead, domains: LeadDomain[], tables: AccountTables, options: MatchOptions) {
  if (!options.names.enabled || lead.company === undefined) return undefined;
  const name = normalizeCompanyName(lead.company);
  if (name === '') return undefined;
  const base = domains[0] && baseLabel(domains[0].domain);
  const signals: LeadSignals = { base: base && base.length >= 3 ? base : undefined, country: lead.country };
  const supported = (slots: readonly number[]): AccountRecord[] =>
    options.names.allowNameOnly
      ? recordsOf(slots, tables)
      : bestSupported(candidatesOf(slots, tables), signals).map((e) => e.record);
  const exact = supported(tables.names.exact(name));
  if (exact.length > 0) return pick('name', name, lead.company, exact, 0.9, tables, options);
  for (const hit of tables.names.similar(name, options.names.threshold)) {
    const held = supported(tables.names.holdersOf(hit.id));
    // Best score first: the first similar name with a supported account is the match.
    if (held.length > 0) return pick('name', name, lead.company, held, 0.8 * hit.score, tables, options);
  }
  return undefined;
}

export function matchLead(lead: Lead, tables: AccountTables, options: MatchOptions): AccountMatch | undefined {
  const domains = leadDomains(lead, tables.domainKeys);
  for (const d of domains) {
    const base = d.method === 'website' ? 1 : 0.95;
    // Exact: an account's website is the lead's own subdomain host (eu.acme.com).
    const exact = d.host !== d.domain ? tables.byHost.get(d.host) : undefined;
    if (exact) return pick(d.method, d.host, d.value, recordsOf(exact, tables), base, tables, options);
    // Normalized: the registrable domain (eu.acme.com -> acme.com); an account's own domain
    // first, a subsidiary's subdomain site only when no account has the domain itself.
    const entries = tables.byDomain.get(d.domain) ?? tables.byParent.get(d.domain);
    if (!entries) continue;
    const confidence = base * (d.host === d.domain ? 1 : 0.98);
    return pick(d.method, d.domain, d.value, recordsOf(entries, tables), confidence, tables, options);
  }
  if (options.contactDomains)
    for (const d of domains) {
      const m = byContacts(d, tables, options);
      if (m) return m;
    }
  if (options.crossTld)
    for (const d of domains) {
      const m = byCrossTld(d, tables, options);
      if (m) return m;
    }
  return byName(lead, domains, tables, options);
}
