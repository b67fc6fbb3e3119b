// The CRM schema check with in-memory connectors: Salesforce relationship fields, and a CRM
// that cannot be asked.
import { describe, expect, it } from 'vitest';
import type { CrmConnector, FieldInfo } from '../../../src/connector.js';
import { parseConfigDocument } from '../../../src/config/index.js';
import { checkCrmSchema } from '../../../src/pipeline/config-admin.js';

function describing(fields: Record<string, string[]> | Error): CrmConnector {
  return {
    describeFields: async (objectType: string): Promise<FieldInfo[]> => {
      if (fields instanceof Error) throw fields;
      return (fields[objectType] ?? []).map((name) => ({ name, type: 'string' }));
    },
  } as unknown as CrmConnector;
}

const doc = () => {
  const parsed = parseConfigDocument({
    mappings: {
      'salesforce/Contact': { fields: [{ from: 'Email', to: 'email' }, { from: 'Account.Name', to: 'company' }, { from: 'Partner__r.Tier__c', to: 'custom.tier' }, { to: 'custom.full', concat: { fields: ['FirstName', 'LastName'] } }] },
      'api/lead': { fields: [{ from: 'anything', to: 'email' }] },
    },
    routing: { reps: [{ id: 'ana', crmIds: {} }], pools: [{ id: 'p', strategy: 'round_robin', members: ['ana'] }], rules: [{ id: 'all', when: { match: 'always' }, action: { pool: 'p' } }] },
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.doc;
};

describe('checkCrmSchema', () => {
  it('checks a Salesforce relationship field by its lookup (Account -> AccountId, Partner__r -> Partner__c)', async () => {
    const sf = describing({ Contact: ['Email', 'AccountId', 'FirstName'] });
    expect(await checkCrmSchema(doc(), { salesforce: sf })).toEqual([
      { path: 'mappings["salesforce/Contact"].fields[2].from', message: "relationship 'Partner__r' does not exist in Salesforce Contact" },
      { path: 'mappings["salesforce/Contact"].fields[3].concat.fields[1]', message: "field 'LastName' does not exist in Salesforce Contact" },
    ]);
    expect(await checkCrmSchema(doc(), { salesforce: describing({ Contact: ['Email', 'AccountId', 'Partner__c', 'FirstName', 'LastName'] }) })).toEqual([]);
  });

  it('refuses when the CRM cannot be asked: not proven safe is not safe', async () => {
    expect(await checkCrmSchema(doc(), { salesforce: describing(new Error('CRM_TEMPORARY: 503')) })).toEqual([
      { path: 'mappings["salesforce/Contact"]', message: 'could not read the Salesforce Contact schema from the CRM: CRM_TEMPORARY: 503' },
    ]);
  });

  it('asks nothing when no connector is configured for a mapping, and never for api/*', async () => {
    expect(await checkCrmSchema(doc(), {})).toEqual([]);
    expect(await checkCrmSchema(doc(), { api: describing(new Error('never called')) })).toEqual([]);
  });
});
