// Echo by origin (docs/sync.md, /work/shared/crm/salesforce-cdc.md §4): our REST calls carry
// Sforce-Call-Options client=<callOptionsClient>, which CDC reports as changeOrigin
// "com/salesforce/api/rest/60.0;client=lead-router". Events without an origin (outbound
// messages, polls, UI) tell only by their user, and only for a user nothing but lead-router writes as.
import type { ChangeOrigin } from '../../src/connector.js';

export interface SalesforceIdentity {
  /** Call-options client ids our API calls send. */
  clientIds: readonly string[];
  /** Users only lead-router writes as (commitUser / LastModifiedById); a dedicated integration user only. */
  userIds: readonly string[];
}

/** The client id of a Salesforce changeOrigin, or undefined when none was set on the API call. */
export function changeOriginClient(changeOrigin: string): string | undefined {
  for (const part of changeOrigin.split(';')) {
    const [key, ...rest] = part.split('=');
    // Client ids may contain spaces and slashes ("sfdx toolbelt", "SfdcInternalAPI/"): compare them whole.
    if (key?.trim() === 'client') return rest.join('=').trim();
  }
  return undefined;
}

export function isSalesforceOwnWrite(identity: SalesforceIdentity, origin: ChangeOrigin): boolean {
  if (origin.changeSource) {
    const client = changeOriginClient(origin.changeSource);
    return client !== undefined && identity.clientIds.includes(client);
  }
  return origin.changedBy !== undefined && identity.userIds.includes(origin.changedBy);
}
