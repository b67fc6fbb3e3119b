// The domain accounts and leads are compared on: the registrable domain (public suffix + one
// label) from tldts's copy of the Public Suffix List, never a hand-written walk up the labels
// (which gets "acme.co.uk" wrong: its parent "co.uk" is a suffix, not a company).
// "https://EU.Acme.com:8443/x", "jo@eu.acme.com" and "acme.com." all come out as "acme.com";
// IDNs compare in punycode ("münchen.de" -> "xn--mnchen-3ya.de").
import { getDomain, getDomainWithoutSuffix } from 'tldts';
import { domainOf } from '../lead/index.js';

// ICANN suffixes only: a private suffix (blogspot.com, herokuapp.com) would make every customer
// app its own "company", and the CRM records such sites by their owner's real domain anyway.
const options = { allowPrivateDomains: false, validateHostname: false } as const;

/** The registrable domain of a URL, host or email address, or undefined (an IP, a bare suffix, junk). */
export function registrableDomain(value: string): string | undefined {
  const host = domainOf(value);
  if (host === undefined) return undefined;
  return getDomain(host, options) ?? undefined;
}

/** registrableDomain for a host already normalized (lower case, no scheme, www. or port). */
export function registrableDomainOfHost(host: string): string | undefined {
  return getDomain(host, options) ?? undefined;
}

/** The label before the public suffix ("acme" for acme.co.uk), the key of cross-TLD matching. */
export function baseLabel(domain: string): string | undefined {
  return getDomainWithoutSuffix(domain, options) ?? undefined;
}
