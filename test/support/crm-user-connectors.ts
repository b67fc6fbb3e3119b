// The HubSpot + Salesforce connector env the tests of CRM users share (reps import, the periodic
// user check). The credentials are listed once in test/support/credentials.ts for the log scan.
export function crmUserConnectorsEnv(hubspotUrl: string, salesforceUrl: string): Record<string, string> {
  return {
    HUBSPOT_CONFIG: JSON.stringify({
      baseUrl: hubspotUrl,
      auth: { kind: 'private_app', token: 'pat' },
      clientSecret: 'reps-secret-01',
    }),
    SALESFORCE_CONFIG: JSON.stringify({
      instanceUrl: salesforceUrl,
      auth: { kind: 'access_token', accessToken: crmUserSalesforceToken },
      organizationId: '00D5g000004XyZaEAK',
      outboundToken: 'reps-outbound-token-000',
    }),
  };
}

/** The access token the Salesforce stand-in of these tests accepts. */
export const crmUserSalesforceToken = 'sf-reps';
