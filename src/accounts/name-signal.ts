// A company name alone is weak ("Acme" exists in every country), so a name match needs the lead to
// agree with the account on something else, unless the admin allows name-only matches: the lead's
// domain (its base label is one of the account's, or its name squeezed of spaces contains it or
// is contained in it) or its country (the account's country field, as an ISO code). The strongest
// signal wins: a name shared by two accounts goes to the one whose domain the lead has.
import { toCountryCode } from '../lead/index.js';
import { baseLabel } from './registrable-domain.js';
import type { AccountRecord } from './types.js';

/** An account a name found: its record, normalized name, and its registrable domains, computed
 *  only when asked (a free-mail lead has no domain to compare, and most candidates lose on country). */
export interface NameCandidate {
  record: AccountRecord;
  name: string;
  domains(): readonly string[];
}

export interface LeadSignals {
  /** Base label of the lead's company domain, when it has one of at least 3 characters. */
  base: string | undefined;
  country: string | undefined;
}

const countryFields = ['country', 'Country', 'BillingCountry', 'billingCountry'];

export function accountCountry(entry: NameCandidate): string | undefined {
  for (const f of countryFields) {
    const v = entry.record.fields[f];
    if (typeof v === 'string' && v.trim() !== '') return toCountryCode(v);
  }
  return undefined;
}

/** How strongly the lead supports the account: 3 same domain base label, 2 same country,
 *  1 the name inside the lead's domain label (or the reverse), 0 nothing. */
export function signalStrength(entry: NameCandidate, lead: LeadSignals): number {
  const b = lead.base;
  if (b !== undefined && entry.domains().some((d) => baseLabel(d) === b)) return 3;
  if (lead.country !== undefined && accountCountry(entry) === lead.country) return 2;
  if (b !== undefined) {
    const squeezed = entry.name.replaceAll(' ', '');
    if (squeezed.length >= 3 && (squeezed.includes(b) || b.includes(squeezed))) return 1;
  }
  return 0;
}

/** The entries with the strongest support (none when nothing supports any). */
export function bestSupported(entries: readonly NameCandidate[], lead: LeadSignals): NameCandidate[] {
  let best = 1;
  let out: NameCandidate[] = [];
  for (const e of entries) {
    const s = signalStrength(e, lead);
    if (s > best) [best, out] = [s, [e]];
    else if (s === best) out.push(e);
  }
  return out;
}
