// Account matching: the lead's company domain (website, else work email) to a configured
// account. Free-mail domains never match: gmail.com is nobody's account. A subdomain matches
// its parent (eu.acme.com -> acme.com), the nearest configured parent winning.
import type { Lead } from '../lead/index.js';
import type { AccountView } from './account-fields.js';
import type { CompiledConfig } from './compile.js';
import type { Account } from './config-schema.js';

export function leadDomains(lead: Lead): string[] {
  const out: string[] = [];
  if (lead.websiteDomain) out.push(lead.websiteDomain.toLowerCase().replace(/^www\./, ''));
  if (lead.emailDomain && lead.freeEmail !== true) out.push(lead.emailDomain.toLowerCase());
  return out;
}

export function findAccount(lead: Lead, compiled: CompiledConfig): { account: Account; domain: string } | undefined {
  if (compiled.accountsByDomain.size === 0) return undefined;
  for (const domain of leadDomains(lead)) {
    let d = domain;
    for (;;) {
      const account = compiled.accountsByDomain.get(d);
      if (account) return { account, domain };
      const dot = d.indexOf('.');
      // Stop before a bare TLD: "com" is never an account.
      if (dot < 0 || d.indexOf('.', dot + 1) < 0) break;
      d = d.slice(dot + 1);
    }
  }
  return undefined;
}

const noCustom: Readonly<Record<string, unknown>> = Object.freeze({});

/** The matched account as rule conditions see it (account.* fields). */
export function matchedAccount(lead: Lead, compiled: CompiledConfig): AccountView | undefined {
  const m = findAccount(lead, compiled);
  if (!m) return undefined;
  return {
    id: m.account.id,
    name: m.account.name,
    owner: m.account.owner,
    domain: m.domain,
    domains: m.account.domains,
    custom: noCustom,
  };
}
