// The CrmConnector contract. It lives in the core (not in connectors/) so that pipeline/
// can depend on the contract while connectors depend on the core, never the reverse.
// Only the composition root (cli.ts / app factory) knows which connectors exist.
import type { AccountRecord } from './accounts/types.js';
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

export type CrmErrorCode = Extract<
  ErrorCode,
  'CRM_RATE_LIMITED' | 'CRM_AUTH' | 'CRM_TEMPORARY' | 'CRM_REJECTED' | 'CRM_NOT_FOUND'
>;

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

/** What a CRM's change event says of who made it (HubSpot sourceId; Salesforce changeOrigin, commit user). */
export interface ChangeOrigin {
  sourceId?: string | undefined;
  changeSource?: string | undefined;
  changedBy?: string | undefined;
}

/** A mapped source that is a path through the record (Salesforce `Account.Name`): readable, or why not. */
export type FieldPathCheck = { ok: true } | { ok: false; message: string };

/** What the HTTP layer answers once the events are stored (Salesforce wants a SOAP ack). */
export interface AckResponse {
  status: number;
  contentType: string;
  body: string;
}

/**
 * How much of a CRM's API allowance is left right now, for batching decisions
 * (src/pipeline/batch-wait.ts): plenty -> send now; tight -> let the batch fill; none -> full batches.
 */
export interface CallBudget {
  /** Calls left in the current window (HubSpot's rolling 10 s; our per-minute cap on Salesforce). */
  remaining: number;
  /** Calls the window allows. */
  limit: number;
  /** Milliseconds before a call started now could be sent (a token returns, pacing, a pause); 0 = now. */
  nextCallInMs: number;
  /** The spacing between calls that the limit sustains (window / limit). */
  callIntervalMs: number;
  /**
   * The limiter spaces calls itself once the window runs down (HubSpot's bucket): nextCallInMs
   * already says how long the next call waits, and a batcher adds no wait of its own on top.
   */
  paced?: boolean;
  /**
   * A paced limiter's wait for a call that may wait (a short routing batch's record read): how long
   * until the calls left, spaced evenly, last until the window's first token returns; 0 while the
   * pace itself gets there. Not part of nextCallInMs: a call that goes anyway (an owner write) is
   * not held by it.
   */
  spreadInMs?: number;
}

/** An account as the CRM answered it, with the CRM's last-change stamp (the mirror keeps both). */
export interface CrmAccount extends AccountRecord {
  /** Salesforce SystemModstamp, HubSpot hs_lastmodifieddate: epoch ms, or null when absent. */
  modstamp: number | null;
}

/**
 * A contact: its link to its account (for the contact-domain counts) and its email and owner (for
 * the people mirror, existingOwner). One row per contact, with or without an account.
 */
export interface CrmAccountContact {
  contactId: string;
  /** '' = the contact belongs to no account (it counts for no domain, but is still a person). */
  accountId: string;
  /** The contact's email as the CRM holds it (the account mirror keeps its domain, the people mirror the address). */
  email: string | null;
  /** The contact's owner (Salesforce OwnerId, HubSpot hubspot_owner_id). */
  ownerCrmId: string | null;
  modstamp: number | null;
}

/** A CRM lead (Salesforce Lead) for the people mirror: email null = converted or without email (not a person to match). */
export interface CrmPerson {
  id: string;
  email: string | null;
  ownerCrmId: string | null;
  modstamp: number | null;
}

/** One account team member record (Salesforce AccountTeamMember), for accountTeam routes. */
export interface CrmAccountTeamMember {
  /** The member record's own id (one row per record: a repeated page is an idempotent upsert). */
  memberId: string;
  accountId: string;
  userCrmId: string;
  role: string;
  modstamp: number | null;
}

/** A page of team members; `unavailable` (no items, the last page) says why the CRM cannot list them. */
export interface TeamMemberPage extends SyncPage<CrmAccountTeamMember> {
  /** The org has no account teams (Salesforce INVALID_TYPE on AccountTeamMember): the CRM's words. */
  unavailable?: string;
}

/** One page of a sync read, and where to resume after it. */
export interface SyncPage<T> {
  items: T[];
  /** The cursor to resume after this page; null = this was the last page. */
  next: string | null;
  /** CRM API calls this page cost (the sync reports calls used against the CRM's budget). */
  calls: number;
}

export interface SyncReadOptions {
  /** Resume after this cursor (from a previous page's `next`); null = from the start. */
  cursor: string | null;
  /** Only records changed at or after this instant (epoch ms); absent = every record. */
  since?: number;
}

/**
 * The read side of the account mirror (docs/accounts.md). Every call here is background work: it
 * waits behind owner writes for the connector's rate-limit budget and leaves them a reserve.
 * Pages must never loop: a cursor moves strictly forward (by id), whatever the timestamps.
 */
export interface AccountSource {
  listAccounts(opts: SyncReadOptions): AsyncIterable<SyncPage<CrmAccount>>;
  /** Every contact with its email, owner and account ('' = none): contact-domain counts and the people mirror. */
  listAccountContacts(opts: SyncReadOptions): AsyncIterable<SyncPage<CrmAccountContact>>;
  /** The CRM's leads (a Salesforce Lead; HubSpot has none), for the people mirror; converted ones with email null. */
  listLeads?(opts: SyncReadOptions): AsyncIterable<SyncPage<CrmPerson>>;
  /** Deleted leads changed at or after `since` (Salesforce's recycle bin). */
  listDeletedLeads?(since: number): Promise<string[]>;
  /** These accounts as they are now; an id the CRM no longer has (deleted, merged) is absent. */
  fetchAccounts(ids: readonly string[]): Promise<CrmAccount[]>;
  /** Deleted accounts changed at or after `since` (Salesforce's recycle bin), when the CRM can say; else []. */
  listDeletedAccounts?(since: number): Promise<string[]>;
  /**
   * The accounts a verified webhook delivery names (HubSpot company.creation / propertyChange /
   * deletion), read leniently: items that are not account events are left to parseBatch.
   */
  parseAccountChanges?(req: InboundRequest): AccountChange[];
  /** The contacts a verified webhook delivery names (HubSpot contact.creation / email, company or owner change / deletion). */
  parseContactChanges?(req: InboundRequest): ContactChange[];
  /** These contacts as they are now (a contact with no account has accountId ''); a deleted one is absent. */
  fetchAccountContacts?(contactIds: readonly string[]): Promise<CrmAccountContact[]>;
  /**
   * Account team members (Salesforce AccountTeamMember), by member id from the cursor, changed
   * since `since` when given. A CRM without account teams (HubSpot) has no such method; an org
   * with Account Teams off answers one page with `unavailable`.
   */
  listAccountTeamMembers?(opts: SyncReadOptions): AsyncIterable<TeamMemberPage>;
}

/** A contact a CRM event named: re-read its account link and email (changed) or drop it (deleted). */
export interface ContactChange {
  contactId: string;
  kind: 'changed' | 'deleted';
}

/** An account a CRM event named: re-read it (changed) or drop it (deleted). */
export interface AccountChange {
  accountId: string;
  kind: 'changed' | 'deleted';
}

export interface ListOwnersOptions {
  includeInactive?: boolean;
  /** Users only, no queues (one call fewer where queues are a query of their own: Salesforce). */
  usersOnly?: boolean;
  /** Background work (the periodic CRM user check): waits behind owner writes for the rate-limit budget, like the account mirror. */
  background?: boolean;
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
  /** Active users and queues; with includeInactive, deactivated users too (active: false). HubSpot always includes archived owners. */
  listOwners(opts?: ListOwnersOptions): Promise<CrmOwner[]>;
  describeFields(objectType: string): Promise<FieldInfo[]>;
  /**
   * Whether a change was made by this deployment's own owner write (echo by origin, docs/sync.md),
   * from what the CRM reports of its origin and this connector's config. Absent: never known to
   * be ours, and echoes are matched by value only.
   */
  isOwnWrite?(origin: ChangeOrigin): boolean;
  /**
   * A mapped source name that is not one of the object's described fields (`known`): a path the CRM
   * resolves itself, checked as far as `known` tells. Undefined when this CRM reads no such paths
   * (the name is then an unknown field). Used by mapping validation before publish.
   */
  checkFieldPath?(path: string, known: ReadonlySet<string>): FieldPathCheck | undefined;
  /** The API allowance left now; absent: unlimited (calls go as soon as a batch has anything). */
  callBudget?(): CallBudget;
  /** The CRM's accounts and their contacts' domains, for the account mirror; absent = no accounts to mirror. */
  accounts?: AccountSource;
}

/** Which long-running inbound streams a connector runs (from its config). */
export interface StreamsConfig {
  cdc: boolean;
  cdcInitialReplayId?: -1 | -2;
  /** CDC of the CRM's accounts too (Salesforce AccountChangeEvent), for the account mirror. */
  accountChangeEvents?: boolean;
  /** CDC of the CRM's contacts too (Salesforce ContactChangeEvent), for the mirror's contact-domain counts. */
  contactChangeEvents?: boolean;
  poll?: { intervalMs: number; initialLookbackMs?: number };
}

export interface ChangeSubscriberOptions {
  replayStore: {
    get(channel: string): Promise<number | undefined>;
    set(channel: string, replayId: number): Promise<void>;
  };
  onEvents: (events: InboundEvent[]) => Promise<void>;
  /**
   * Accounts a change event named (to re-read or drop), when the connector streams account changes;
   * resync: the event could not name every account changed (an overflow), an incremental sync should run.
   * Resolves once they are durably stored: the replay id moves on after it.
   */
  onAccountChanges?: (changes: AccountChange[], meta: { resync: boolean }) => Promise<void>;
  /** The same for contacts (re-read their email and account, or drop them), when the connector streams contact changes. */
  onContactChanges?: (changes: ContactChange[], meta: { resync: boolean }) => Promise<void>;
  onError?: (err: Error, channel: string) => void;
  initialReplayId?: -1 | -2;
}

export interface StreamPollerOptions {
  watermarkStore: {
    get(objectType: string): Promise<string | undefined>;
    set(objectType: string, watermark: string): Promise<void>;
  };
  onEvents: (events: InboundEvent[]) => Promise<void>;
  intervalMs?: number;
  initialLookbackMs?: number;
  onError?: (err: Error) => void;
}

/**
 * A connector with inbound streams beside its webhooks (Salesforce: change events, SOQL polling),
 * run by worker processes (pipeline/connector-streams.ts). Events go through the same durable
 * intake as webhooks before the stream's position moves on.
 */
export interface StreamingConnector {
  readonly name: CrmName;
  readonly streams: StreamsConfig;
  createChangeSubscriber(opts: ChangeSubscriberOptions): { start(): Promise<void>; stop(): Promise<void> };
  createPoller(opts: StreamPollerOptions): { start(): void; stop(): void };
}
