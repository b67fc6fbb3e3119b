// The CRM schema check with in-memory connectors: Salesforce relationship fields, the reason
// field, and a CRM that cannot be asked.
import { describe, expect, it } from 'vitest';
import type { CrmConnector, FieldInfo } from '../../../src/connector.js';
import { parseConfigDocument } from '../../../src/config/index.js';
import { checkCrmSchema } from '../../../src/pipeline/config-admin.js';
import { checkSalesforceFieldPath } from '../../../connectors/salesforce/index.js';

function describing(fields: Record<string, string[]> | Error): CrmConnector {
  return {
    describeFields: async (objectType: string): Promise<FieldInfo[]> => {
      if (fields instanceof Error) throw fields;
      return (fields[objectType] ?? []).map((name) => ({ name, type: 'string' }));
    },
    checkFieldPath: checkSalesforceFieldPath,
  } as unknown as CrmConnector;
}

const input = {
  mappings: {
    'salesforce/Contact': {
      fields: [
        { from: 'Email', to: 'email' },
        { from: 'Account.Name', to: 'company' },
        { from: 'Partner__r.Tier__c', to: 'custom.tier' },
        { to: 'custom.full', concat: { fields: ['FirstName', 'LastName'] } },
      ],
    },
    'api/lead': { fields: [{ from: 'anything', to: 'email' }] },
  },
  routing: {
    reps: [{ id: 'ana', crmIds: {} }],
    pools: [{ id: 'p', strategy: 'round_robin', members: ['ana'] }],
    rules: [{ id: 'all', when: { match: 'always' }, action: { pool: 'p' } }],
  },
};
const doc = () => {
  const parsed = parseConfigDocument(input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.doc;
};

describe('checkCrmSchema', () => {
  it('checks a Salesforce relationship field by its lookup (Account -> AccountId, Partner__r -> Partner__c)', async () => {
    const sf = describing({ Contact: ['Email', 'AccountId', 'FirstName'] });
    expect(await checkCrmSchema(doc(), { salesforce: sf })).toEqual([
      {
        path: 'mappings["salesforce/Contact"].fields[2].from',
        message: "relationship 'Partner__r' does not exist in Salesforce Contact",
      },
      {
        path: 'mappings["salesforce/Contact"].fields[3].concat.fields[1]',
        message: "field 'LastName' does not exist in Salesforce Contact",
      },
    ]);
    expect(
      await checkCrmSchema(doc(), {
        salesforce: describing({ Contact: ['Email', 'AccountId', 'Partner__c', 'FirstName', 'LastName'] }),
      }),
    ).toEqual([]);
  });

  it('refuses when the CRM cannot be asked: not proven safe is not safe', async () => {
    expect(await checkCrmSchema(doc(), { salesforce: describing(new Error('CRM_TEMPORARY: 503')) })).toEqual([
      {
        path: 'mappings["salesforce/Contact"]',
        message: 'could not read the Salesforce Contact schema from the CRM: CRM_TEMPORARY: 503',
      },
    ]);
  });

  describe('reasonField (the field owner writes set to the routing reason)', () => {
    const withReason = (reasonField: string) => {
      const parsed = parseConfigDocument({
        ...structuredClone(input),
        mappings: { 'salesforce/Lead': { fields: [{ from: 'Email', to: 'email' }], reasonField } },
      });
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
      return parsed.doc;
    };
    const lead: FieldInfo[] = [
      { name: 'Email', type: 'email', updateable: true },
      { name: 'Route_Reason__c', type: 'string', updateable: true },
      { name: 'Notes__c', type: 'textarea', updateable: true },
      { name: 'Reason_Formula__c', type: 'string', updateable: false },
      { name: 'Reason_Score__c', type: 'double', updateable: true },
    ];
    const sf = { salesforce: { describeFields: async () => lead } as unknown as CrmConnector };
    const at = 'mappings["salesforce/Lead"].reasonField';

    it('passes a text field the org lets an update set (string or textarea)', async () => {
      expect(await checkCrmSchema(withReason('Route_Reason__c'), sf)).toEqual([]);
      expect(await checkCrmSchema(withReason('Notes__c'), sf)).toEqual([]);
    });

    it.each([
      { field: 'routeReason', message: "field 'routeReason' does not exist in Salesforce Lead" },
      {
        field: 'Reason_Formula__c',
        message: "field 'Reason_Formula__c' of Salesforce Lead is read-only: owner writes cannot set it",
      },
      {
        field: 'Reason_Score__c',
        message:
          "field 'Reason_Score__c' of Salesforce Lead is of type double; the reason is text (use a string or textarea field)",
      },
    ])('refuses $field, naming the path', async ({ field, message }) => {
      expect(await checkCrmSchema(withReason(field), sf)).toEqual([{ path: at, message }]);
    });

    it('is refused on api/* mappings: an API lead has no CRM record to write to', () => {
      const parsed = parseConfigDocument({
        ...structuredClone(input),
        mappings: { 'api/lead': { fields: [{ from: 'email', to: 'email' }], reasonField: 'reason' } },
      });
      expect(parsed).toEqual({
        ok: false,
        errors: [
          {
            path: 'mappings["api/lead"].reasonField',
            message:
              'API leads have no CRM record to write a reason to; set reasonField on a hubspot/* or salesforce/* mapping',
          },
        ],
      });
    });
  });

  it('asks nothing when no connector is configured for a mapping, and never for api/*', async () => {
    expect(await checkCrmSchema(doc(), {})).toEqual([]);
    expect(await checkCrmSchema(doc(), { api: describing(new Error('never called')) })).toEqual([]);
  });
});
