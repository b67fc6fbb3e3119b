// A company name alone is weak ("Acme" exists in every country), so a name match needs the lead to
// agree with the account on something else, unless the admin allows name-only matches: the lead's
// domain (its base label is one of the account's, or its name squeezed of spaces contains it or
// is contained in it) or its country (the account's country field, as an ISO code).
import { toCountryCode } from '../lead/index.js';
import type { AccountEntry } from './account-entry.js';
import { baseLabel } from './registrable-domain.js';

export interface LeadSignals {
  /** Base label of the lead's company domain, when it has one of at least 3 characters. */
  base: string | undefined;
  country: string | undefined;
}

const countryFields = ['country', 'Country', 'BillingCountry', 'billingCountry'];

export function accountCountry(entry: AccountEntry): string | undefined {
  for (const f of countryFields) {
    const v = entry.record.fields[f];
    if (typeof v === 'string' && v.trim() !== '') return toCountryCode(v);
  }
  return undefined;
}

/** Which signal supports the account, or undefined. */
export function supportingSignal(entry: AccountEntry, lead: LeadSignals): 'domain' | 'country' | undefined {
  const b = lead.base;
  if (b !== undefined) {
    if (entry.domains.some((d) => baseLabel(d) === b)) return 'domain';
    const squeezed = entry.name.replaceAll(' ', '');
    if (squeezed.length >= 3 && (squeezed.includes(b) || b.includes(squeezed))) return 'domain';
  }
  if (lead.country !== undefined && accountCountry(entry) === lead.country) return 'country';
  return undefined;
}
