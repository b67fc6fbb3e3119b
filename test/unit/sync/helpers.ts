// Sync test builders: an owner change as a connector emits it, our writes, a record's ledger.
import type { InboundEvent } from '../../../src/connector.js';
import type { CrmName } from '../../../src/lead/index.js';
import type { IntegrationIdentity, LedgerWrite, OwnershipLedger } from '../../../src/sync/index.js';
import { at } from '../../builders/index.js';
import { isHubSpotOwnWrite } from '../../../connectors/hubspot/index.js';
import { isSalesforceOwnWrite } from '../../../connectors/salesforce/index.js';

export type OwnerChangedEvent = Extract<InboundEvent, { kind: 'ownerChanged' }>;

/** Our app in HubSpot, our call-options client and a dedicated integration user in Salesforce: each CRM's connector answers. */
export const ourIdentity: IntegrationIdentity = {
  isOwnWrite: (change) =>
    change.record.crm === 'hubspot'
      ? isHubSpotOwnWrite(['4242'], change)
      : change.record.crm === 'salesforce' &&
        isSalesforceOwnWrite({ clientIds: ['lead-router'], userIds: ['005INTEGRATION'] }, change),
};

let seq = 0;

/** An ownerChanged event for record 'rec-1' (HubSpot unless crm says otherwise), typed as the connector's. */
export function aChange(
  overrides: Partial<Omit<OwnerChangedEvent, 'record' | 'kind'>> & { crm?: CrmName } = {},
): OwnerChangedEvent {
  const { crm = 'hubspot', ...rest } = overrides;
  seq += 1;
  return {
    kind: 'ownerChanged',
    sourceEventId: `evt-${seq}`,
    record: { crm, objectType: crm === 'salesforce' ? 'Lead' : 'contact', id: 'rec-1' },
    occurredAt: '2026-11-25T10:00:30Z',
    newOwnerId: 'hs-bo',
    ...rest,
  };
}

export function aWrite(overrides: Partial<LedgerWrite> & { ownerId: string }): LedgerWrite {
  seq += 1;
  return { writeId: `w-${seq}`, writtenAt: at('2026-11-25T10:00:00Z'), status: 'done', ...overrides };
}

export function aLedger(overrides: Partial<OwnershipLedger> = {}): OwnershipLedger {
  return {
    writes: [],
    currentOwnerId: 'hs-ana',
    lastAppliedAt: at('2026-11-25T10:00:00Z'),
    identity: ourIdentity,
    ...overrides,
  };
}
