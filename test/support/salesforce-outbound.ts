// Builders for Salesforce outbound messages and the Lead records behind them, shaped like
// fixtures/salesforce/outbound/*.xml (the WSDL's notifications envelope), for the e2e tests and
// bench/salesforce.ts. Ids are 18 characters like Salesforce's; values are XML-escaped.

export const SF_ORG_ID = '00D5g000004XyZaEAK';
export const SF_OUTBOUND_TOKEN = 'outbound-path-token-0123456789abcdef';
export const SF_ACCESS_TOKEN = 'standin-access-token';

export interface Notification {
  id: string;
  objectType?: string;
  fields: Record<string, string | number | boolean | null>;
}

const escapeXml = (s: string) =>
  s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

/** A SOAP notifications message; null field values are sent as xsi:nil. */
export function outboundMessage(notifications: Notification[], orgId = SF_ORG_ID): string {
  const body = notifications
    .map((n) => {
      const fields = Object.entries(n.fields)
        .map(([k, v]) =>
          v === null ? `     <sf:${k} xsi:nil="true"/>` : `     <sf:${k}>${escapeXml(String(v))}</sf:${k}>`,
        )
        .join('\n');
      return `   <Notification>
    <Id>${n.id}</Id>
    <sObject xsi:type="sf:${n.objectType ?? 'Lead'}" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">
${fields}
    </sObject>
   </Notification>`;
    })
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <soapenv:Body>
  <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
   <OrganizationId>${orgId}</OrganizationId>
   <ActionId>04k5g000000AbCdAAK</ActionId>
   <SessionId xsi:nil="true"/>
   <EnterpriseUrl>https://example.my.salesforce.com/services/Soap/c/62.0/00D5g000004XyZa</EnterpriseUrl>
   <PartnerUrl>https://example.my.salesforce.com/services/Soap/u/62.0/00D5g000004XyZa</PartnerUrl>
${body}
  </notifications>
 </soapenv:Body>
</soapenv:Envelope>
`;
}

/** An 18-character id with a prefix (00Q Lead, 04l notification) and a number, e.g. 00Q0000000000042AAA. */
export const sfId = (prefix: string, n: number, tag = 'A') =>
  `${prefix}${tag}${String(n).padStart(11, '0')}AAA`.slice(0, 18);

/** A Lead as the REST stand-in holds it: every field the salesforce-lead mapping reads. */
export function aLeadRecord(n: number, tag = 'A'): Record<string, string | number | boolean | null> {
  return {
    Id: sfId('00Q', n, tag),
    Email: `lead${tag.toLowerCase()}${n}@acme.example`,
    FirstName: 'Pat',
    LastName: `Lee ${n}`,
    Phone: null,
    MobilePhone: null,
    Company: 'Acme Corp',
    Website: 'https://acme.example',
    Country: 'US',
    State: 'NY',
    City: 'New York',
    PostalCode: '10001',
    Industry: 'Retail',
    NumberOfEmployees: 120,
    AnnualRevenue: 5000000,
    LeadSource: 'Web',
    OwnerId: '00G5g000001WxYzEAK',
    CreatedDate: '2025-07-15T21:11:40.000Z',
    Rating: 'Warm',
    Product_Interest__c: 'Platform',
    Status: 'Open - Not Contacted',
    HasOptedOutOfEmail: false,
  };
}

/** What an admin typically selects for the outbound message: a few fields, not the whole mapping. */
export function someFields(rec: Record<string, unknown>): Notification['fields'] {
  const pick = ['Id', 'Company', 'Country', 'Email', 'FirstName', 'LastName', 'LeadSource', 'OwnerId', 'Status'];
  return Object.fromEntries(pick.map((k) => [k, rec[k] as string]));
}

/** SALESFORCE_CONFIG for the stand-in org at `instanceUrl` (Lead only), plus what a test adds. */
export function standinSalesforceConfig(instanceUrl: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    instanceUrl,
    auth: { kind: 'access_token', accessToken: SF_ACCESS_TOKEN },
    organizationId: SF_ORG_ID,
    outboundToken: SF_OUTBOUND_TOKEN,
    objectTypes: ['Lead'],
    ...extra,
  });
}

/** The three reps of fixtures/config/salesforce-e2e.yaml as active users: the stand-in refuses any other OwnerId. */
export const SF_REP_USERS = [
  { Id: '0055g00000AnaAAAA1', Name: 'Ana Lopez', Email: 'ana@example.com', IsActive: true, UserType: 'Standard' },
  { Id: '0055g00000BoCAAAA2', Name: 'Bo Chen', Email: 'bo@example.com', IsActive: true, UserType: 'Standard' },
  { Id: '0055g00000CyOAAAA3', Name: 'Cy Okafor', Email: 'cy@example.com', IsActive: true, UserType: 'Standard' },
];

/** Stand-in options for an org holding `leads` and the e2e reps (as active users). */
export function standinOrg(leads: Array<Record<string, unknown>>) {
  return { accessToken: SF_ACCESS_TOKEN, organizationId: SF_ORG_ID, records: { Lead: leads, User: SF_REP_USERS } };
}
