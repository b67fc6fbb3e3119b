// Free-mail domains (gmail.com, web.de, ...) say nothing about the lead's company, so routing
// skips account matching for them. The list is email-providers' full list (~8,700 domains,
// country variants such as yahoo.co.uk included); its "common" subset misses too many.
import providers from 'email-providers/all.json' with { type: 'json' };

const freeDomains: ReadonlySet<string> = new Set(providers as string[]);

/** True when the (normalised, lower-case) domain belongs to a free email provider. */
export function isFreeEmailDomain(domain: string): boolean {
  return freeDomains.has(domain);
}
