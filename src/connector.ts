// The CrmConnector contract. It lives in the core (not in connectors/) so that pipeline/
// can depend on the contract while connectors depend on the core, never the reverse.
// Only the composition root (cli.ts / app factory) knows which connectors exist.
import type { CrmName, RecordRef } from './lead/index.js';
import type { ErrorCode, FieldIssue } from './errors.js';

export interface InboundRequest {
  method: string;
  /** Full URL as the CRM called it (scheme, host, path and query), for URL-signed webhooks. */
  url: string;
  rawBody: string;
  headers: Record<string, string | string[] | undefined>;
  /** Route params (e.g. the secret path token of a Salesforce outbound message). */
  params?: Record<string, string>;
}

interface EventBase {
  /** The CRM's own id for this delivery/event; unique per source. Redeliveries repeat it. */
  sourceEventId: string;
  record: RecordRef;
  /** When the change happened in the CRM (ISO 8601). */
  occurredAt: string;
}

export type InboundEvent =
  | (EventBase & {
      kind: 'created';
      /** Field values the trigger already carried (Salesforce outbound messages, CDC); may be partial. */
      fields?: Record<string, unknown>;
    })
  | (EventBase & {
      kind: 'ownerChanged';
      newOwnerId: string | null;
      /** Who made the change: a user id, or an integration/app id. */
      changedBy?: string;
      /** CRM-specific origin hints used for echo detection (HubSpot changeSource/sourceId, SF changeOrigin). */
      changeSource?: string;
      sourceId?: string;
      transactionKey?: string;
    })
  | (EventBase & {
      kind: 'updated';
      changedFields: string[];
      fields?: Record<string, unknown>;
    });

/**
 * One item of a CRM batch that cannot be accepted as sent: it breaks the CRM's own schema, or
 * holds a string Postgres cannot store. It is stored escaped with status `refused` and its reason,
 * never routed, while the rest of the batch is stored and acked (a 4xx or a fault would make the
 * CRM drop or redeliver the whole batch, good events included).
 */
export interface RefusedEvent {
  /** The item's own delivery id when it has a usable one; else intake derives one from its content. */
  sourceEventId?: string;
  /** created | ownerChanged | updated when known, else 'unknown'. */
  kind: string;
  /** What is known of the record; 'unknown' where the item did not say. */
  record: { crm: CrmName; objectType: string; id: string };
  /** Paths from the request body (`body[3].eventId`) and what is wrong there. */
  errors: FieldIssue[];
  /** The item as the CRM sent it (parsed JSON or XML), before any escaping. */
  original: unknown;
}

/** A CRM batch read item by item: the events to route and the items refused. */
export interface ParsedBatch {
  events: InboundEvent[];
  refused: RefusedEvent[];
}

export interface CrmRecord {
  ref: RecordRef;
  fields: Record<string, unknown>;
}

export interface OwnerWrite {
  /** Our id for this write (the outbox row id); echoes are matched back to it. */
  writeId: string;
  ref: RecordRef;
  ownerId: string;
  /**
   * Fields to set with the owner, sent verbatim (HubSpot properties, Salesforce record fields):
   * the route-reason field a mapping names (reasonField), never anything no mapping named.
   */
  extraFields?: Record<string, string>;
}

export type CrmErrorCode = Extract<ErrorCode, 'CRM_RATE_LIMITED' | 'CRM_AUTH' | 'CRM_TEMPORARY' | 'CRM_REJECTED' | 'CRM_NOT_FOUND'>;

export type WriteResult =
  | { writeId: string; ok: true }
  | { writeId: string; ok: false; code: CrmErrorCode; message: string; retryable: boolean; retryAfterMs?: number };

export interface CrmOwner {
  id: string;
  kind: 'user' | 'queue';
  email?: string;
  name?: string;
  active: boolean;
}

export interface FieldInfo {
  name: string;
  label?: string;
  type: string;
  /** Whether an API write may set it (false: read-only, formula, system). Absent: the CRM did not say. */
  updateable?: boolean;
}

/** What the HTTP layer answers once the events are stored (Salesforce wants a SOAP ack). */
export interface AckResponse {
  status: number;
  contentType: string;
  body: string;
}

export interface CrmConnector {
  readonly name: CrmName;
  /** Throws an AppError SIGNATURE_* (401) or UNAUTHORIZED when the request is not from the CRM. */
  verifyRequest(req: InboundRequest, now: Date): void;
  /** Throws an AppError VALIDATION_FAILED naming the path when the payload is malformed. */
  parseEvents(req: InboundRequest): InboundEvent[];
  /**
   * The same batch, item by item: an item that breaks the CRM's schema is returned in `refused`
   * with its path instead of failing the batch. Throws only when the request as a whole is not
   * a batch (not JSON/XML, wrong envelope). The webhook routes use this when a connector has it.
   */
  parseBatch?(req: InboundRequest): ParsedBatch;
  /** Answer sent after the events are durably stored. Defaults to 200 `{ ok: true }`. */
  ackResponse?(events: InboundEvent[]): AckResponse;
  /** Answer for a refused or failed delivery, in the CRM's own protocol (a SOAP fault); default JSON. */
  errorResponse?(err: unknown): AckResponse;
  fetchRecords(objectType: string, ids: string[], fields: string[]): Promise<CrmRecord[]>;
  writeOwners(writes: OwnerWrite[]): Promise<WriteResult[]>;
  listOwners(): Promise<CrmOwner[]>;
  describeFields(objectType: string): Promise<FieldInfo[]>;
}
