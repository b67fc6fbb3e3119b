// Domains are what account matching keys on, so "https://WWW.Acme.com/about", "acme.com."
// and "jo@ACME.com" must all come out as "acme.com".
import { domainToASCII } from 'node:url';

const scheme = /^[a-z][a-z0-9+.-]*:\/\//i;
const label = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const hostname = new RegExp(`^(?:${label}\\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$`);
const nonAscii = /[^\x00-\x7f]/;

/** A lower-cased hostname without "www." and trailing dot, or undefined when it is not a hostname. */
export function normaliseDomain(value: string): string | undefined {
  let host = value.trim().toLowerCase();
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (host.startsWith('www.')) host = host.slice(4);
  // Internationalised names compare in their punycode form ("münchen.de" -> "xn--mnchen-3ya.de").
  if (nonAscii.test(host)) host = domainToASCII(host);
  return host.length <= 253 && hostname.test(host) ? host : undefined;
}

/** The domain of an email address, or undefined when the address has no valid domain. */
export function emailDomainOf(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) return undefined;
  return normaliseDomain(email.slice(at + 1));
}

/** The domain of a website URL or bare host ("https://www.acme.com/x?y" -> "acme.com"). */
export function websiteDomainOf(url: string): string | undefined {
  let rest = url.trim().replace(scheme, '');
  if (rest.startsWith('//')) rest = rest.slice(2);
  const end = rest.search(/[/?#]/);
  if (end >= 0) rest = rest.slice(0, end);
  const at = rest.lastIndexOf('@'); // credentials in a URL are not part of the host
  if (at >= 0) rest = rest.slice(at + 1);
  const colon = rest.indexOf(':');
  if (colon >= 0) rest = rest.slice(0, colon);
  return normaliseDomain(rest);
}

/** Either of the above: an "@" means an email address, anything else a URL or host. */
export function domainOf(value: string): string | undefined {
  return value.includes('@') && !scheme.test(value.trim()) ? emailDomainOf(value) : websiteDomainOf(value);
}

const emailLocal = /^[^\s@]+$/;

/** A trimmed, lower-cased address with one "@" and a valid domain, or undefined. */
export function normaliseEmail(value: string): string | undefined {
  const email = value.trim().toLowerCase();
  const at = email.indexOf('@');
  if (at <= 0 || at !== email.lastIndexOf('@')) return undefined;
  if (!emailLocal.test(email.slice(0, at))) return undefined;
  // The address is kept as written (a "www." in it is part of the mailbox), only checked.
  return normaliseDomain(email.slice(at + 1)) === undefined ? undefined : email;
}
