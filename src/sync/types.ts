// What sync/ reads and returns. Everything here is plain data: the caller loads the ledger of one
// record from Postgres (outbox rows, the lead, the last applied ownership fact), calls the pure
// functions, and persists what they return in the same transaction.
import type { RecordRef } from '../lead/index.js';

/**
 * An owner change reported by a CRM. An InboundEvent of kind 'ownerChanged' (src/connector.ts)
 * is one as it is: HubSpot propertyChange on hubspot_owner_id (sourceId = changedBy, changeSource),
 * Salesforce CDC (changeSource = the header's changeOrigin, changedBy = commitUser, transactionKey),
 * Salesforce outbound message or poll (changedBy = LastModifiedById only).
 */
export interface OwnershipChange {
  record: RecordRef;
  newOwnerId: string | null;
  changedBy?: string;
  changeSource?: string;
  sourceId?: string;
  transactionKey?: string;
  /** When the change happened in the CRM (ISO 8601). */
  occurredAt: string;
}

/** One owner write-back we made for the record (an outbox row). */
export interface LedgerWrite {
  writeId: string;
  /** The CRM owner id we wrote. */
  ownerId: string;
  /** When the CRM accepted it (outbox done_at); for a pending write, its last attempt or creation. */
  writtenAt: Date;
  /** Outbox status. A failed write was rejected by the CRM, so it can have no echo by value. */
  status: 'pending' | 'done' | 'failed';
  /** Set once the write's echo came back; a confirmed write is not matched by value again. */
  confirmedAt?: Date | null;
}

/**
 * Whether a change is our own write-back coming back. The signals are the CRM's (HubSpot app id,
 * Salesforce changeOrigin client or integration user), so each connector answers for its CRM
 * (CrmConnector.isOwnWrite, src/connector.ts); the composition root gathers the answers here.
 */
export interface IntegrationIdentity {
  isOwnWrite(change: OwnershipChange): boolean;
}

/** Nothing is known to be ours: only echoes by value are found. */
export const noIntegrationIdentity: IntegrationIdentity = { isOwnWrite: () => false };

/** What we know of one record's ownership. */
export interface OwnershipLedger {
  /** Our recent writes for this record, any order. */
  writes: readonly LedgerWrite[];
  /** The CRM owner id known here (leads.crm_owner_id); null = no owner, undefined = record unknown here. */
  currentOwnerId: string | null | undefined;
  /** occurredAt of the last ownership fact applied to the record (an echo, an adoption, our routing). */
  lastAppliedAt?: Date | null;
  identity: IntegrationIdentity;
}

export interface ClassifyOptions {
  /** Value + time matching window for echoes without an origin. Default 120 (config routing.sync.echoWindowSeconds). */
  echoWindowSeconds?: number;
}

export type Classification =
  /** Our own write came back: mark writeId confirmed. writeId null: our integration, but no write of ours has that owner. */
  | { kind: 'echo'; writeId: string | null; matchedBy: 'origin' | 'value' }
  /** A person or another system changed the owner: the conflict policy decides. */
  | { kind: 'manual'; by: string | null; source: string | null }
  /** Older than the last ownership fact applied (out of order): record it and ignore it. */
  | { kind: 'stale'; lastAppliedAt: Date }
  /** The owner we already know, not from us (a poll, a re-save): nothing to do. */
  | { kind: 'noop' };
