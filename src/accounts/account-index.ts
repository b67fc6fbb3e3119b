// The first, plain index: exact lower-cased website host (without www.) to account, first one
// kept. Account matching replaces its insides (registrable domains, contact domains, cross-TLD,
// names, tie-breaks); the mirror and the pipeline only see the AccountMatcher interface.
import type { CrmName, Lead } from '../lead/index.js';
import type { AccountMatch, AccountMatcher, AccountRecord, ContactDomainCount } from './types.js';

function host(website: string): string {
  return website
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/[/:?#].*$/, '')
    .replace(/^www\./, '');
}

export function createAccountIndex(): AccountMatcher {
  const byKey = new Map<string, AccountRecord>();
  const byDomain = new Map<string, AccountRecord>();
  const key = (crm: CrmName, id: string) => `${crm}:${id}`;
  const rebuildDomains = () => {
    byDomain.clear();
    for (const a of byKey.values()) for (const w of a.websites) if (!byDomain.has(host(w))) byDomain.set(host(w), a);
  };
  return {
    get size() {
      return byKey.size;
    },
    upsert(record) {
      byKey.set(key(record.crm, record.id), record);
      rebuildDomains();
    },
    remove(crm, id) {
      byKey.delete(key(crm, id));
      rebuildDomains();
    },
    setContactDomains(_rows: readonly ContactDomainCount[]) {},
    match(lead: Lead): AccountMatch | undefined {
      const domain = lead.websiteDomain ?? (lead.freeEmail === true ? undefined : lead.emailDomain);
      const account = domain ? byDomain.get(host(domain)) : undefined;
      if (!account || !domain) return undefined;
      const method = lead.websiteDomain ? 'website' : 'email_domain';
      return { account, method, key: host(domain), candidates: [account.id], confidence: 1 };
    },
  };
}
