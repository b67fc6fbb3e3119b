// Each connector tells our own owner writes from its config (echo by origin, docs/sync.md), and
// the Salesforce one checks relationship paths for mapping validation: the CRM knowledge the
// pipeline and sync/ ask for through the contract instead of testing the CRM's name.
import { describe, expect, it } from 'vitest';
import { createHubSpotConnector } from '../../../connectors/hubspot/index.js';
import { createSalesforceConnector } from '../../../connectors/salesforce/index.js';
import { aSalesforceConfig } from './salesforce/helpers.js';

const hubspot = (appId?: string) =>
  createHubSpotConnector({
    auth: { kind: 'private_app', token: 'pat-test-0000' },
    clientSecret: 'client-secret-test',
    ...(appId !== undefined && { appId }),
  });

describe('isOwnWrite', () => {
  it('HubSpot: a change whose sourceId is the configured app id is ours, any other is not', () => {
    expect(hubspot('4242').isOwnWrite?.({ sourceId: '4242', changeSource: 'INTEGRATION' })).toBe(true);
    expect(hubspot('4242').isOwnWrite?.({ sourceId: '9999', changeSource: 'INTEGRATION' })).toBe(false);
    expect(hubspot('4242').isOwnWrite?.({ changedBy: '4242', changeSource: 'CRM_UI' })).toBe(false);
    expect(hubspot().isOwnWrite?.({ sourceId: '4242' })).toBe(false);
  });

  it('Salesforce: a changeOrigin naming the configured call-options client is ours, another client is not', () => {
    const sf = createSalesforceConnector(aSalesforceConfig({ callOptionsClient: 'router-prod' }));
    expect(sf.isOwnWrite?.({ changeSource: 'com/salesforce/api/rest/60.0;client=router-prod' })).toBe(true);
    expect(sf.isOwnWrite?.({ changeSource: 'com/salesforce/api/rest/60.0;client=lead-router' })).toBe(false);
    expect(sf.isOwnWrite?.({ changeSource: 'com/salesforce/api/rest/60.0' })).toBe(false);
    expect(
      createSalesforceConnector(aSalesforceConfig()).isOwnWrite?.({
        changeSource: 'com/salesforce/api/soap/60.0;client=lead-router',
      }),
    ).toBe(true);
  });
});

describe('checkFieldPath', () => {
  it('Salesforce reads Account.Name when the object has AccountId, and Partner__r.X when it has Partner__c', () => {
    const sf = createSalesforceConnector(aSalesforceConfig());
    const known = new Set(['Email', 'AccountId']);
    expect(sf.checkFieldPath?.('Account.Name', known)).toEqual({ ok: true });
    expect(sf.checkFieldPath?.('Partner__r.Tier__c', known)).toEqual({
      ok: false,
      message: "relationship 'Partner__r' does not exist",
    });
    expect(sf.checkFieldPath?.('LastName', known)).toBeUndefined();
  });

  it('HubSpot has no paths: a dotted name is just an unknown property', () => {
    expect(hubspot().checkFieldPath).toBeUndefined();
  });
});
