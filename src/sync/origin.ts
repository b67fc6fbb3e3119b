// Did our integration make this change? Checked before anything else, because it is the one
// signal the CRM gives us for certain (HubSpot sourceId = our app id; Salesforce changeOrigin
// "com/salesforce/api/rest/60.0;client=lead-router", see /work/shared/crm/salesforce-cdc.md §4).
import type { IntegrationIdentity, OwnershipChange } from './types.js';

/** The client id of a Salesforce changeOrigin, or undefined when none was set on the API call. */
export function changeOriginClient(changeOrigin: string): string | undefined {
  for (const part of changeOrigin.split(';')) {
    const [key, ...rest] = part.split('=');
    // Client ids may contain spaces and slashes ("sfdx toolbelt", "SfdcInternalAPI/"): compare them whole.
    if (key?.trim() === 'client') return rest.join('=').trim();
  }
  return undefined;
}

export function isOurOrigin(change: OwnershipChange, identity: IntegrationIdentity): boolean {
  const crm = change.record.crm;
  if (crm === 'hubspot') {
    return change.sourceId !== undefined && (identity.hubspotAppIds ?? []).includes(change.sourceId);
  }
  if (crm === 'salesforce') {
    if (change.changeSource) {
      const client = changeOriginClient(change.changeSource);
      return client !== undefined && (identity.salesforceClientIds ?? []).includes(client);
    }
    // No origin (outbound message, poll, UI): only a user that nothing but lead-router writes as tells.
    return change.changedBy !== undefined && (identity.salesforceUserIds ?? []).includes(change.changedBy);
  }
  return false;
}
