import { describe, expect, it } from 'vitest';
import { leadSchema } from '../../../src/lead/index.js';
import { applyMapping, mappedCrmFields, validateMapping } from '../../../src/mapping/index.js';
import { fixtureNames, loadMapping, loadRecords } from './helpers.js';

// The sample mappings an admin would start from, over sample records from each CRM.
describe.each(fixtureNames)('fixtures: %s', (name) => {
  const mapping = loadMapping(name);
  const records = loadRecords(name);

  it('is a valid mapping', () => {
    expect(validateMapping(mapping, name)).toEqual([]);
  });

  it('maps every sample record to a lead that satisfies leadSchema', () => {
    for (const record of records)
      expect(leadSchema.safeParse(applyMapping(record, mapping).lead).error).toBeUndefined();
  });
});

const warningsOf = (name: Parameters<typeof loadMapping>[0], i: number) =>
  applyMapping(loadRecords(name)[i]!, loadMapping(name)).warnings.map((w) => `${w.code} ${w.field}`);

describe('fixtures: expected leads', () => {
  it('hubspot/contact: ranges, enum maps, epoch dates, fallback phone, concat', () => {
    const { lead, warnings } = applyMapping(loadRecords('hubspot-contact')[0]!, loadMapping('hubspot-contact'));
    expect(warnings).toEqual([]);
    expect(lead).toEqual({
      source: { crm: 'hubspot', objectType: 'contact', id: '501' },
      email: 'ana.keller@acme-robotics.de',
      emailDomain: 'acme-robotics.de',
      freeEmail: false,
      firstName: 'Ana',
      lastName: 'Keller',
      phone: '+49 170 1234567',
      company: 'ACME Robotics GmbH',
      websiteDomain: 'acme-robotics.de',
      country: 'DE',
      region: 'Bavaria',
      city: 'Munich',
      postalCode: '80331',
      industry: 'Industrial Automation',
      employeeCount: 50,
      annualRevenue: 12500000,
      leadSource: 'Organic search',
      language: 'de',
      currentOwnerId: '71234567',
      createdAt: '2024-05-01T09:30:00.000Z',
      custom: { leadStatus: 'new', fullName: 'Ana Keller' },
    });
  });

  it('hubspot/contact: a free-mail contact and a broken one', () => {
    const [, bo, carla] = loadRecords('hubspot-contact').map((r) => applyMapping(r, loadMapping('hubspot-contact')));
    expect(bo!.lead).toMatchObject({
      freeEmail: true,
      emailDomain: 'gmail.com',
      country: 'US',
      region: 'CA',
      employeeCount: 1000,
      annualRevenue: 1200000.5,
      leadSource: 'Offline',
    });
    expect(carla!.lead).toMatchObject({ email: 'carla@example-corp.io', firstName: 'Carla' });
    expect(warningsOf('hubspot-contact', 2)).toEqual([
      'REQUIRED_MISSING company',
      'TRANSFORM_FAILED country',
      'TRANSFORM_FAILED annualrevenue',
      'TRANSFORM_FAILED hs_lead_status',
      'FIELD_UNMAPPED favorite_color',
    ]);
  });

  it('salesforce/Lead: numbers, picklists, multi-picklist, +0000 dates', () => {
    const { lead, warnings } = applyMapping(loadRecords('salesforce-lead')[0]!, loadMapping('salesforce-lead'));
    expect(warnings).toEqual([]);
    expect(lead).toMatchObject({
      email: 'dana.lee@northwind.com',
      country: 'US',
      region: 'NY',
      employeeCount: 850,
      priority: 'high',
      productInterest: ['Platform', 'Analytics'],
      createdAt: '2024-05-01T09:30:00.000Z',
      custom: { status: 'open - not contacted', emailOptOut: false },
    });
    expect(warningsOf('salesforce-lead', 2)).toEqual([
      'TRANSFORM_FAILED Email',
      'REQUIRED_MISSING email',
      'TRANSFORM_FAILED NumberOfEmployees',
      'TRANSFORM_FAILED CreatedDate',
    ]);
  });

  it('salesforce/Contact: account fields and mailing address', () => {
    const { lead } = applyMapping(loadRecords('salesforce-contact')[0]!, loadMapping('salesforce-contact'));
    expect(lead).toMatchObject({
      company: 'Initech SA',
      websiteDomain: 'initech.fr',
      country: 'FR',
      phone: '+33 6 12 34 56 78',
      annualRevenue: 2.1e9,
    });
    expect(warningsOf('salesforce-contact', 1)).toEqual(['FIELD_UNMAPPED Birthdate']);
  });

  it('api/lead: camelCase input, arrays, offsets, first campaign', () => {
    const { lead } = applyMapping(loadRecords('api-lead')[0]!, loadMapping('api-lead'));
    expect(lead).toMatchObject({
      campaign: 'spring-launch',
      productInterest: ['Fleet', 'Analytics'],
      score: 87,
      language: 'ja',
      createdAt: '2024-05-01T09:30:00.000Z',
      custom: { marketingConsent: true },
    });
    expect(applyMapping(loadRecords('api-lead')[1]!, loadMapping('api-lead')).lead).toMatchObject({
      campaign: 'q2-webinar',
      country: 'DE',
      freeEmail: true,
      leadSource: 'Webinar',
    });
  });

  it('salesforce/Lead: the fields a connector must fetch', () => {
    expect(mappedCrmFields(loadMapping('salesforce-lead'))).toEqual([
      'Email',
      'FirstName',
      'LastName',
      'Phone',
      'MobilePhone',
      'Company',
      'Website',
      'Country',
      'State',
      'City',
      'PostalCode',
      'Industry',
      'NumberOfEmployees',
      'AnnualRevenue',
      'LeadSource',
      'OwnerId',
      'CreatedDate',
      'Rating',
      'Product_Interest__c',
      'Status',
      'HasOptedOutOfEmail',
    ]);
  });
});
