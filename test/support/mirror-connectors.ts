// The real connectors the account-mirror sync tests drive against their stand-ins: Salesforce
// without retries (a refusal shows at once), HubSpot with a rate limit the tests never reach.
// Credentials are each test's own (listed in test/support/credentials.ts for the log scan).
import { createHubSpotConnector } from '../../connectors/hubspot/index.js';
import { createSalesforceConnector } from '../../connectors/salesforce/index.js';

export function mirrorConnectors(
  salesforceUrl: string,
  hubspotUrl: string,
  hubspotAuth: { token: string; clientSecret: string },
) {
  return {
    salesforce: createSalesforceConnector({
      instanceUrl: salesforceUrl,
      auth: { kind: 'access_token', accessToken: 'sf-token' },
      organizationId: '00D5g000004XyZaEAK',
      outboundToken: 'outbound-token-0123456789',
      maxRetries: 0,
    }),
    hubspot: createHubSpotConnector({
      baseUrl: hubspotUrl,
      auth: { kind: 'private_app', token: hubspotAuth.token },
      clientSecret: hubspotAuth.clientSecret,
      rateLimit: { requests: 2000, windowMs: 1000 },
    }),
  };
}
