// The source of truth for the database. drizzle-kit generates migrations/ from this file.
import { sql } from 'drizzle-orm';
import {
  customType,
  bigint,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * The durable retry schedule of a row (docs/failures.md): Postgres, not Redis, holds when the next
 * try is due, so a Redis flush or a restart loses no schedule. Null next_attempt_at = not failed
 * yet (the sweeper's stale rule covers it); the horizon runs from first_failed_at.
 */
const retryColumns = () => ({
  /** When the next try is due (backoff, a CRM's Retry-After, an open circuit); the sweeper enqueues it then. */
  nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }),
  /** First retryable failure since the row was stored or replayed: the retry horizon counts from here. */
  firstFailedAt: timestamp('first_failed_at', { withTimezone: true, mode: 'date' }),
  lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true, mode: 'date' }),
  /** The error code of the last failure (docs/errors.md), so dead letters filter without parsing last_error. */
  errorCode: text('error_code'),
});

/**
 * The id of a table that grows by a row (or more) per lead: time-ordered, in UUIDv7's layout (48 bits
 * of Unix milliseconds, then the version, variant and random bits of gen_random_uuid(); Postgres 15
 * has no uuidv7()). A random (v4) key puts every insert on a random leaf of its B-tree, and so of every
 * index that holds it as a foreign key (assignments.event_id/lead_id, outbox.assignment_id/lead_id):
 * once years of history make those trees larger than shared_buffers, each routed lead read ~10
 * pages from disk or the OS cache on the routing statement alone (EXPLAIN BUFFERS beside 1,000,000
 * leads; docs/operations.md "Growth"). Time-ordered keys land on the few rightmost leaves, which stay
 * cached however large the tables grow. Rows stored before this change keep their random ids.
 */
const timeOrderedId = () =>
  uuid('id')
    .primaryKey()
    .default(
      sql`encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing substring(int8send(floor(extract(epoch from clock_timestamp()) * 1000)::bigint) from 3) from 1 for 6), 52, 1), 53, 1), 'hex')::uuid`,
    );

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();

/** Every trigger we acknowledged. Stored before the 2xx; Postgres is the record, Redis only the transport. */
export const inboundEvents = pgTable(
  'inbound_events',
  {
    id: timeOrderedId(),
    /** Who sent it: 'hubspot', 'salesforce', or 'api:<source>' for POST /v1/leads. */
    source: text('source').notNull(),
    /** The sender's id for this event (webhook event id, notification id, idempotency key). */
    sourceEventId: text('source_event_id').notNull(),
    kind: text('kind').notNull(),
    crm: text('crm').notNull(),
    objectType: text('object_type').notNull(),
    recordId: text('record_id').notNull(),
    payload: jsonb('payload').notNull(),
    /** The HTTP request that brought it (x-request-id), so its log lines join the request's; null for streams and polling. */
    requestId: text('request_id'),
    /**
     * received -> done | failed; or received -> queued (a full pool holds it) -> done. failed is a
     * dead letter (horizon exhausted or refused for good), replayable back to received.
     */
    status: text('status').notNull().default('received'),
    /** Score of a queued lead: waiting leads are placed highest score first, then oldest. */
    leadScore: doublePrecision('lead_score'),
    /** The pool a queued lead waits for (GET /v1/reports/waiting), set each time it is queued. */
    waitingPoolId: text('waiting_pool_id'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    ...retryColumns(),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    processedAt: timestamp('processed_at', { withTimezone: true, mode: 'date' }),
    /** When retention or an erasure emptied the raw payload and last_error (docs/operations.md "Retention"). */
    purgedAt: timestamp('purged_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    uniqueIndex('inbound_events_source_event_uq').on(t.source, t.sourceEventId),
    // What retention still has to purge: finished events with their payload. Purged rows leave the
    // index, so the sweep reads only the retention window, however many years of history there are.
    index('inbound_events_unpurged_idx')
      .on(t.receivedAt)
      .where(sql`purged_at is null and status not in ('received', 'queued')`),
    // Events not routed yet and not failed yet, oldest first (the sweeper's stale rule, the backlog's
    // age); those waiting for a retry are in inbound_events_due_idx, those a full pool holds in
    // inbound_events_queued_idx. The predicates are disjoint so that a query can match only the index
    // made for it: with overlapping ones, a table whose statistics saw only finished history (years of
    // done events) planned the waiting-lead read and the sweeper's due read as a read of every received
    // event and a sort, since this index's received_at follows the heap and looked cheaper.
    index('inbound_events_received_idx')
      .on(t.receivedAt)
      .where(sql`status = 'received' and next_attempt_at is null`),
    index('inbound_events_due_idx')
      .on(t.nextAttemptAt)
      .where(sql`status = 'received' and next_attempt_at is not null`),
    index('inbound_events_dead_idx')
      .on(t.lastAttemptAt, t.id)
      .where(sql`status in ('failed', 'refused')`),
    // Leads a full pool holds, in the order they are placed (listQueuedInboundEvents, read before
    // every routing batch): the first rows in order, not a sort of every pending event (with a
    // backlog of received events, an index of received and queued events made it 1-2.5 ms a batch).
    index('inbound_events_queued_idx')
      .on(t.leadScore.desc().nullsLast(), t.receivedAt)
      .where(sql`status = 'queued'`),
  ],
);

/** One row per CRM record (or API lead): the canonical lead and its current owner. */
export const leads = pgTable(
  'leads',
  {
    id: timeOrderedId(),
    crm: text('crm').notNull(),
    objectType: text('object_type').notNull(),
    recordId: text('record_id').notNull(),
    data: jsonb('data').notNull(),
    ownerRepId: text('owner_rep_id'),
    crmOwnerId: text('crm_owner_id'),
    /** When the current owner got the lead (routed, adopted, reassigned): their day/week charge is given back for that date. */
    ownerSince: timestamp('owner_since', { withTimezone: true, mode: 'date' }),
    /** occurredAt of the last ownership fact applied (our routing, an echo, an adoption): older CRM events are stale. */
    lastOwnerChangeAt: timestamp('last_owner_change_at', { withTimezone: true, mode: 'date' }),
    /** Set by an explicit claim (POST /v1/leads/:id/claim) or a claiming field change. */
    claimedAt: timestamp('claimed_at', { withTimezone: true, mode: 'date' }),
    claimedBy: text('claimed_by'),
    /** When a CRM field change said the lead is closed (routing.sync.closedWhen); frees its rep's open-lead count once. */
    closedAt: timestamp('closed_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** When retention or an erasure removed the lead's personal fields (and its decisions' copies of them). */
    anonymizedAt: timestamp('anonymized_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    uniqueIndex('leads_record_uq').on(t.crm, t.objectType, t.recordId),
    // What retention still has to anonymize, oldest first; anonymized rows leave the index (see above).
    index('leads_unanonymized_idx')
      .on(t.createdAt)
      .where(sql`anonymized_at is null`),
    // GET /v1/leads: newest first, keyset-paginated on (created_at, id), and its email search. Ascending
    // on purpose: read backwards it is exactly `order by created_at desc, id desc` (nulls first).
    index('leads_created_idx').on(t.createdAt, t.id),
    index('leads_email_idx').on(sql`lower(${t.data}->>'email')`),
  ],
);

/** A routing decision. Unique per triggering event: a redelivery or retry can never make a second one. */
export const assignments = pgTable(
  'assignments',
  {
    id: timeOrderedId(),
    // No foreign key on the routing hot path's children (assignments, outbox, lead_reports): each is
    // inserted in the one routing statement joined to the parent rows that statement just wrote (or
    // locked: the event), and no code deletes a lead, event or assignment (retention and erasure
    // anonymize in place). The checks cost 6 lookups and key-share locks per lead (bench:intake,
    // issue 19); the unique keys that carry idempotency stay.
    eventId: uuid('event_id').notNull(),
    leadId: uuid('lead_id').notNull(),
    outcome: text('outcome').notNull(),
    repId: text('rep_id'),
    crmOwnerId: text('crm_owner_id'),
    poolId: text('pool_id'),
    ruleId: text('rule_id'),
    reasonCode: text('reason_code').notNull(),
    decision: jsonb('decision').notNull(),
    configVersion: integer('config_version').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('assignments_event_uq').on(t.eventId),
    // A lead's decisions in order: its latest (GET /v1/leads and /v1/leads/:id/decision) is one index step, no sort.
    index('assignments_lead_idx').on(t.leadId, t.createdAt, t.id),
    // GET /v1/leads/latest/decision: the newest assignment of all (read backwards, as above).
    index('assignments_created_idx').on(t.createdAt, t.id),
  ],
);

/** Owner writes still to deliver to the CRM. Written in the routing transaction (transactional outbox). */
export const outbox = pgTable(
  'outbox',
  {
    id: timeOrderedId(),
    // No foreign keys: see assignments.
    assignmentId: uuid('assignment_id').notNull(),
    leadId: uuid('lead_id').notNull(),
    crm: text('crm').notNull(),
    objectType: text('object_type').notNull(),
    recordId: text('record_id').notNull(),
    ownerId: text('owner_id').notNull(),
    extraFields: jsonb('extra_fields'),
    /** pending -> done | failed (a dead letter: horizon exhausted or refused for good; replayable back to pending) */
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    ...retryColumns(),
    createdAt: createdAt(),
    doneAt: timestamp('done_at', { withTimezone: true, mode: 'date' }),
    /** When the CRM's own owner-change event for this write came back (echo): the write is confirmed. */
    confirmedAt: timestamp('confirmed_at', { withTimezone: true, mode: 'date' }),
    /** What the CRM answered to the write: { ok, code?, message?, retryable?, at }. */
    crmResponse: jsonb('crm_response'),
  },
  (t) => [
    uniqueIndex('outbox_assignment_uq').on(t.assignmentId),
    // The ownership ledger of a record is its lead's outbox rows.
    index('outbox_lead_idx').on(t.leadId),
    // Owner writes not tried yet (the sweeper's stale rule, the backlog's age); those waiting for a
    // retry are in outbox_due_idx. Disjoint, as inbound_events' are: overlapping, the sweeper's due read
    // and write-back's claim (by id, among the pending) were planned as reads of every pending row.
    index('outbox_pending_idx')
      .on(t.createdAt)
      .where(sql`status = 'pending' and next_attempt_at is null`),
    index('outbox_due_idx')
      .on(t.nextAttemptAt)
      .where(sql`status = 'pending' and next_attempt_at is not null`),
    index('outbox_dead_idx')
      .on(t.lastAttemptAt, t.id)
      .where(sql`status = 'failed'`),
  ],
);

/** One row per pool (and the global $routing row): the rows routing locks. position is the pre-upgrade round-robin
 *  index, read only to order a new rotation line; rotation itself lives in routing_counters (line:...). */
export const rotationCursors = pgTable('rotation_cursors', {
  poolId: text('pool_id').primaryKey(),
  position: integer('position').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/** Named routing counters (open leads, caps per hour/day/week/month, weighted credits, places on rotation lines). */
export const routingCounters = pgTable('routing_counters', {
  key: text('key').primaryKey(),
  value: bigint('value', { mode: 'number' }).notNull(),
});

/** Published config versions: immutable; the active one is a pointer in config_active. */
export const configVersions = pgTable('config_versions', {
  version: integer('version').primaryKey(),
  document: jsonb('document').notNull(),
  author: text('author').notNull(),
  message: text('message').notNull(),
  diff: jsonb('diff').notNull(),
  createdAt: createdAt(),
});

export const configActive = pgTable('config_active', {
  id: integer('id').primaryKey().default(1),
  version: integer('version')
    .notNull()
    .references(() => configVersions.version),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/** Every move of the pointer (bootstrap, publish, rollback): who made which version active, when and why. Append-only. */
export const configActivations = pgTable(
  'config_activations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    version: integer('version')
      .notNull()
      .references(() => configVersions.version),
    previousVersion: integer('previous_version'),
    /** bootstrap | publish | rollback */
    kind: text('kind').notNull(),
    by: text('by').notNull(),
    message: text('message'),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('config_activations_at_idx').on(t.at)],
);

/** Config drafts an admin edits before publishing; a draft is never active. */
export const configDrafts = pgTable('config_drafts', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  document: jsonb('document').notNull(),
  /**
   * The document as the admin typed it in the console's YAML editor, comments and all, shown there
   * again; null once the document was last set another way (the API, the form), which has no text.
   */
  yaml: text('yaml'),
  /** The version this draft started from, for the diff shown before publish. */
  baseVersion: integer('base_version'),
  author: text('author').notNull(),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/** Small durable state of connectors: Salesforce replay ids per channel, polling watermarks. */
export const connectorState = pgTable('connector_state', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/**
 * Every owner change a CRM reported (ownerChanged events), with how it was classified. Unique per
 * event, so a redelivered event is recorded once and applied once.
 */
export const ownershipChanges = pgTable(
  'ownership_changes',
  {
    id: timeOrderedId(),
    eventId: uuid('event_id')
      .notNull()
      .references(() => inboundEvents.id),
    /** Null when the record was never routed here. */
    leadId: uuid('lead_id').references(() => leads.id),
    crm: text('crm').notNull(),
    objectType: text('object_type').notNull(),
    recordId: text('record_id').notNull(),
    newOwnerId: text('new_owner_id'),
    /** The CRM owner id we knew before the change. */
    previousOwnerId: text('previous_owner_id'),
    changedBy: text('changed_by'),
    changeSource: text('change_source'),
    /** echo | manual | stale | noop | unknown_record */
    classification: text('classification').notNull(),
    /** origin | value, for echoes. */
    matchedBy: text('matched_by'),
    /** Our outbox row the echo confirmed. */
    matchedWriteId: uuid('matched_write_id').references(() => outbox.id),
    occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull(),
    recordedAt: createdAt(),
  },
  (t) => [
    uniqueIndex('ownership_changes_event_uq').on(t.eventId),
    index('ownership_changes_lead_idx').on(t.leadId, t.occurredAt),
  ],
);

/** A person's (or another system's) reassignment of a lead we routed, and what the policy did about it. */
export const conflicts = pgTable(
  'conflicts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    eventId: uuid('event_id')
      .notNull()
      .references(() => inboundEvents.id),
    leadId: uuid('lead_id')
      .notNull()
      .references(() => leads.id),
    crm: text('crm').notNull(),
    objectType: text('object_type').notNull(),
    recordId: text('record_id').notNull(),
    /** The owner routing chose (our latest write). */
    routerOwnerId: text('router_owner_id'),
    routerRepId: text('router_rep_id'),
    /** The owner the person set. */
    crmOwnerId: text('crm_owner_id'),
    crmRepId: text('crm_rep_id'),
    previousOwnerId: text('previous_owner_id'),
    changedBy: text('changed_by'),
    changeSource: text('change_source'),
    /** crm_wins | router_wins | lock_window, and where it came from (rule | pool | sync | default). */
    policy: text('policy').notNull(),
    policyFrom: text('policy_from').notNull(),
    /** adopted | adopted_after_window | reverted | gave_up_adopted */
    outcome: text('outcome').notNull(),
    /** The revert number for 'reverted' (1 = first). */
    attempt: integer('attempt'),
    /** The outbox row that writes our owner back, for 'reverted'. */
    revertWriteId: uuid('revert_write_id').references(() => outbox.id),
    reason: text('reason').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('conflicts_event_uq').on(t.eventId),
    index('conflicts_lead_idx').on(t.leadId),
    index('conflicts_created_idx').on(t.createdAt, t.id),
  ],
);

/**
 * A rep's time to claim a lead (pool sla). The durable half of the timer: a delayed job is the
 * fast path, and the sweeper fires pending rows past due_at, so a Redis loss cannot lose one.
 * pending -> claimed | cancelled | breached; firing locks the row and checks the status.
 */
export const slaTimers = pgTable(
  'sla_timers',
  {
    id: timeOrderedId(),
    leadId: uuid('lead_id')
      .notNull()
      .references(() => leads.id),
    /** The assignment that armed it (one timer per assignment). */
    assignmentId: uuid('assignment_id')
      .notNull()
      .references(() => assignments.id),
    poolId: text('pool_id').notNull(),
    repId: text('rep_id').notNull(),
    dueAt: timestamp('due_at', { withTimezone: true, mode: 'date' }).notNull(),
    status: text('status').notNull().default('pending'),
    /** SLA reassignments of the lead before this timer was armed (0 for the first routing). */
    reassignments: integer('reassignments').notNull().default(0),
    /** On breach: reassign | escalate | stop; and what it led to. */
    breachAction: text('breach_action'),
    /** Why it ended: CLAIMED, OWNER_CHANGED, REASSIGNED, MAX_REASSIGNMENTS, NO_REP_AVAILABLE... */
    closedReason: text('closed_reason'),
    /** The rep the lead went to on breach. */
    nextRepId: text('next_rep_id'),
    closedAt: timestamp('closed_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('sla_timers_assignment_uq').on(t.assignmentId),
    index('sla_timers_due_idx')
      .on(t.dueAt)
      .where(sql`status = 'pending'`),
    index('sla_timers_lead_idx').on(t.leadId),
    // GET /v1/reports/sla: timers armed in a period.
    index('sla_timers_created_idx').on(t.createdAt),
    // GET /v1/reports/sla: breaches by when they fired.
    index('sla_timers_breached_idx')
      .on(t.closedAt)
      .where(sql`status = 'breached'`),
  ],
);

/**
 * One row per lead's first routing decision (its creation event): the facts the reports read,
 * kept narrow and denormalised so a year of leads is one scan of one table (docs/reports.md).
 * Speed to lead: crm_created_at (the record's own creation time, when the CRM gave one) ->
 * received_at (stored at intake) -> decided_at -> written_at (the CRM accepted our owner) ->
 * confirmed_at (the CRM's echo of that write came back). In shadow mode nothing is written, and
 * the owner the CRM's own process set is kept beside ours (crm_set_*).
 */
export const leadReports = pgTable(
  'lead_reports',
  {
    // No foreign keys: see assignments.
    leadId: uuid('lead_id').primaryKey(),
    assignmentId: uuid('assignment_id').notNull(),
    crm: text('crm').notNull(),
    /** The lead's source (its leadSource field, else the intake source: hubspot, api:web-form...). */
    source: text('source').notNull(),
    poolId: text('pool_id'),
    ruleId: text('rule_id'),
    /** assigned | unassigned | skipped (queued leads get their row when they are placed). */
    outcome: text('outcome').notNull(),
    reasonCode: text('reason_code').notNull(),
    repId: text('rep_id'),
    crmOwnerId: text('crm_owner_id'),
    /** live | shadow: the connector's (or pool's) mode when the lead was decided. */
    mode: text('mode').notNull().default('live'),
    crmCreatedAt: timestamp('crm_created_at', { withTimezone: true, mode: 'date' }),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true, mode: 'date' }).notNull(),
    writtenAt: timestamp('written_at', { withTimezone: true, mode: 'date' }),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true, mode: 'date' }),
    /** Shadow mode: the owner the CRM's own process set (assignment rules, a workflow, a person), first one kept. */
    crmSetOwnerId: text('crm_set_owner_id'),
    crmSetRepId: text('crm_set_rep_id'),
    crmSetBy: text('crm_set_by'),
    crmSetSource: text('crm_set_source'),
    crmSetAt: timestamp('crm_set_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    // Every report reads a period of received_at; the columns after it let the scan stay in the index.
    index('lead_reports_received_idx').on(t.receivedAt),
    index('lead_reports_pool_received_idx').on(t.poolId, t.receivedAt),
    // The shadow report's totals read only these columns: an index-only scan of the shadow leads.
    index('lead_reports_shadow_idx')
      .on(t.receivedAt, t.crm, t.crmOwnerId, t.crmSetOwnerId)
      .where(sql`mode = 'shadow'`),
    // GET /v1/reports/distribution counts assigned leads per pool and rep: index-only over a year.
    index('lead_reports_assigned_idx')
      .on(t.receivedAt, t.poolId, t.repId)
      .where(sql`outcome = 'assigned'`),
    index('lead_reports_assignment_idx').on(t.assignmentId),
    // GET /v1/reports/unassigned reads the few leads not assigned, not the year.
    index('lead_reports_not_assigned_idx')
      .on(t.receivedAt, t.outcome, t.reasonCode)
      .where(sql`outcome <> 'assigned'`),
  ],
);

/**
 * Speed to lead rolled up per UTC day of received_at, CRM, pool ('' for none), source and stage
 * (total or one of the four steps), kept current by the statements that fill lead_reports
 * (src/db/report-rollup.ts). hist maps a log bin of the duration (ratio 1.05) to its lead count,
 * so days merge by adding counts: GET /v1/reports/speed-to-lead reads a year as ~a few thousand rows.
 */
export const leadReportDays = pgTable(
  'lead_report_days',
  {
    day: date('day', { mode: 'string' }).notNull(),
    crm: text('crm').notNull(),
    poolId: text('pool_id').notNull(),
    source: text('source').notNull(),
    stage: text('stage').notNull(),
    /** Leads counted in hist (the sum of its counts). */
    n: integer('n').notNull(),
    hist: jsonb('hist').$type<Record<string, number>>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.crm, t.poolId, t.source, t.stage] })],
);

/**
 * A rep's availability set through the API (PUT /v1/reps/:id/availability), one row per rep id,
 * overlaid on whichever config version is active when a lead is routed (routing/rep-status.ts).
 * Not part of a config version: marking a rep away must not need a publish.
 */
export const repAvailability = pgTable('rep_availability', {
  repId: text('rep_id').primaryKey(),
  /** away | back */
  status: text('status').notNull(),
  /** When it was set: away applies from here; back ends config time off running at this moment. */
  since: timestamp('since', { withTimezone: true, mode: 'date' }).notNull(),
  /** away only: available again at this instant (exclusive); null = until marked back. */
  awayUntil: timestamp('away_until', { withTimezone: true, mode: 'date' }),
  note: text('note'),
  /** The actor of the change (editor:1a2b3c4d, rep:ana), never a token. */
  updatedBy: text('updated_by').notNull(),
});

/** The audit trail of rep_availability: every change, who made it and when, with the row it replaced. */
export const repAvailabilityChanges = pgTable(
  'rep_availability_changes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    repId: text('rep_id').notNull(),
    status: text('status').notNull(),
    awayUntil: timestamp('away_until', { withTimezone: true, mode: 'date' }),
    note: text('note'),
    /** The row before this change (null: none). */
    previous: jsonb('previous'),
    changedBy: text('changed_by').notNull(),
    changedAt: timestamp('changed_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('rep_availability_changes_rep_idx').on(t.repId, t.changedAt)],
);

/**
 * A bulk job (docs/bulk.md): a reroute of a slice of leads, or a CSV import. Created by the CLI,
 * visible and cancellable through the admin API. running -> done | cancelled | failed; a cancel
 * sets cancel_requested_at and the process running the job stops at its next chunk.
 */
export const bulkJobs = pgTable(
  'bulk_jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** reroute | import */
    kind: text('kind').notNull(),
    status: text('status').notNull().default('running'),
    /** What was asked: the filter, config, options (reroute); the file and source (import). */
    params: jsonb('params').notNull(),
    /** Counts so far: reroute { total, moved, kept, unplaced, skipped }; import { rows, imported, duplicates, refused }. */
    counts: jsonb('counts').notNull(),
    /** The first refused rows or failed leads ({ line?, leadId?, reason }), capped (docs/bulk.md). */
    errors: jsonb('errors')
      .notNull()
      .default(sql`'[]'::jsonb`),
    createdBy: text('created_by').notNull(),
    cancelRequestedAt: timestamp('cancel_requested_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
    /** Last progress written: a running job whose updated_at stops moving has lost its process (resume it). */
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('bulk_jobs_created_idx').on(t.createdAt, t.id)],
);

/**
 * The leads of a reroute job, frozen when the job starts. An item leaves 'pending' in the same
 * transaction that moves its lead, so a job interrupted and resumed never moves a lead twice.
 */
export const bulkJobItems = pgTable(
  'bulk_job_items',
  {
    jobId: uuid('job_id')
      .notNull()
      .references(() => bulkJobs.id),
    leadId: uuid('lead_id')
      .notNull()
      .references(() => leads.id),
    /** pending -> moved | kept (same owner decided) | unplaced (nobody can take it) | skipped (closed since) */
    status: text('status').notNull().default('pending'),
    fromRepId: text('from_rep_id'),
    toRepId: text('to_rep_id'),
    /** The inbound event (source 'bulk') the new assignment and outbox row hang off. */
    eventId: uuid('event_id').references(() => inboundEvents.id),
    doneAt: timestamp('done_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    primaryKey({ columns: [t.jobId, t.leadId] }),
    index('bulk_job_items_pending_idx')
      .on(t.jobId, t.leadId)
      .where(sql`status = 'pending'`),
  ],
);

/**
 * Notifications to deliver (docs/notifications.md): a transactional outbox like `outbox`, one row
 * per message to one channel and target, written in the transaction that made the event (an
 * assignment, an SLA breach), so a notification exists exactly when its event does. The text is
 * rendered when the row is written; delivery only sends it. dedupe_key makes a second plan of the
 * same event a no-op, and the row's id is the idempotency key on the wire (the Slack message's
 * metadata, the webhook-id, the email's Message-ID), so a retry after a crash never sends twice.
 * pending -> done | skipped (an SLA warning whose timer ended) | failed (a dead letter, replayable).
 */
export const notifications = pgTable(
  'notifications',
  {
    id: timeOrderedId(),
    /** leadAssigned | slaWarning | slaBreach | conflict | deadLetter */
    event: text('event').notNull(),
    /** slack | email | webhook */
    channel: text('channel').notNull(),
    /** Who it goes to on that channel: an email address, a Slack channel id, a webhook id. */
    target: text('target').notNull(),
    repId: text('rep_id'),
    leadId: uuid('lead_id').references(() => leads.id),
    assignmentId: uuid('assignment_id').references(() => assignments.id),
    /** slaWarning only: sent only while this timer is still pending. */
    slaTimerId: uuid('sla_timer_id'),
    /** One per (event occurrence, channel, target): a replanned event inserts nothing. */
    dedupeKey: text('dedupe_key').notNull(),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    /** The webhook body's data (and what the templates were rendered from). */
    payload: jsonb('payload').notNull(),
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    ...retryColumns(),
    createdAt: createdAt(),
    doneAt: timestamp('done_at', { withTimezone: true, mode: 'date' }),
    /** What the channel answered: { ts, channel } (Slack), { messageId } (email), { status } (webhook). */
    delivery: jsonb('delivery'),
  },
  (t) => [
    uniqueIndex('notifications_dedupe_uq').on(t.dedupeKey),
    index('notifications_lead_idx').on(t.leadId),
    index('notifications_pending_idx')
      .on(t.createdAt)
      .where(sql`status = 'pending'`),
    index('notifications_due_idx')
      .on(t.nextAttemptAt)
      .where(sql`status = 'pending' and next_attempt_at is not null`),
    index('notifications_dead_idx')
      .on(t.lastAttemptAt, t.id)
      .where(sql`status = 'failed'`),
  ],
);

/**
 * The account mirror (docs/accounts.md): one row per CRM account (Salesforce Account, HubSpot
 * company), per CRM connection, kept current by webhooks / polling and a periodic reconcile. The
 * in-memory account index is loaded from here at start. A deleted account keeps its row with
 * deleted_at set (a late webhook for it must not bring it back unless the CRM says so).
 */
/** Postgres's 64-bit transaction id (pg_current_xact_id()), read and written as its decimal text. */
const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => 'xid8' });

export const crmAccounts = pgTable(
  'crm_accounts',
  {
    crm: text('crm').notNull(),
    id: text('id').notNull(),
    name: text('name'),
    /** Lower-cased, punctuation and spaces folded: for SQL lookups and similarity (the index normalizes itself). */
    nameNormalized: text('name_normalized'),
    /** Raw website / domain values from the CRM, as AccountRecord.websites. */
    websites: jsonb('websites').notNull(),
    /** Registrable domains of the websites (tldts): eu.acme.com -> acme.com. */
    domains: text('domains').array().notNull(),
    ownerCrmId: text('owner_crm_id'),
    parentId: text('parent_id'),
    recordType: text('record_type'),
    lastActivityAt: timestamp('last_activity_at', { withTimezone: true, mode: 'date' }),
    crmCreatedAt: timestamp('crm_created_at', { withTimezone: true, mode: 'date' }),
    /** The CRM's count when it keeps one (HubSpot num_associated_contacts); null = count the mirrored contacts. */
    contacts: integer('contacts'),
    opportunities: integer('opportunities').notNull().default(0),
    /** The CRM's count when it keeps one (HubSpot hs_num_child_companies); null = count mirrored children. */
    children: integer('children'),
    fields: jsonb('fields').notNull(),
    /** The CRM's own last-change stamp (Salesforce SystemModstamp, HubSpot hs_lastmodifieddate). */
    modstamp: timestamp('modstamp', { withTimezone: true, mode: 'date' }),
    deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'date' }),
    /** When we last wrote the row from the CRM; a full sync marks rows it did not see as deleted. */
    syncedAt: timestamp('synced_at', { withTimezone: true, mode: 'date' }).notNull(),
    /**
     * The transaction that last changed what the index holds for this account: the row itself, or
     * its contacts' domain counts, or its child count (the writer stamps the account in the same
     * transaction). Every process's index follows this column (src/pipeline/account-follow.ts): a
     * transaction id, not a clock, so a follower that remembers its snapshot's xmin misses none.
     */
    changedXid: xid8('changed_xid')
      .notNull()
      .default(sql`pg_current_xact_id()`),
  },
  (t) => [
    uniqueIndex('crm_accounts_pk').on(t.crm, t.id),
    index('crm_accounts_parent_idx').on(t.crm, t.parentId),
    index('crm_accounts_synced_idx').on(t.crm, t.syncedAt),
    index('crm_accounts_changed_idx').on(t.changedXid),
  ],
);

/**
 * Contacts' email domains per account, one row per CRM contact (so a resumed or repeated load is
 * an idempotent upsert, never a double count); the per-account domain counts the index reads
 * (ContactDomainCount) are a GROUP BY over these rows.
 */
export const crmAccountContacts = pgTable(
  'crm_account_contacts',
  {
    crm: text('crm').notNull(),
    contactId: text('contact_id').notNull(),
    accountId: text('account_id').notNull(),
    /** The contact's email domain, lower-cased; null when the contact has no usable email. */
    emailDomain: text('email_domain'),
    syncedAt: timestamp('synced_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    uniqueIndex('crm_account_contacts_pk').on(t.crm, t.contactId),
    index('crm_account_contacts_account_idx').on(t.crm, t.accountId),
  ],
);

/**
 * Account team members (Salesforce AccountTeamMember: AccountId, UserId, TeamMemberRole), one row
 * per CRM member record, so a resumed or repeated load is an idempotent upsert. What an index holds
 * as AccountRecord.team is read from here; a change stamps its account (crm_accounts.changed_xid)
 * in the same transaction.
 */
export const crmAccountTeamMembers = pgTable(
  'crm_account_team_members',
  {
    crm: text('crm').notNull(),
    memberId: text('member_id').notNull(),
    accountId: text('account_id').notNull(),
    userCrmId: text('user_crm_id').notNull(),
    role: text('role').notNull(),
    syncedAt: timestamp('synced_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    uniqueIndex('crm_account_team_members_pk').on(t.crm, t.memberId),
    index('crm_account_team_members_account_idx').on(t.crm, t.accountId),
  ],
);

/**
 * CRM people by email (docs/accounts.md "Existing records"): Salesforce Contacts and Leads, HubSpot
 * contacts, one row each, for the rule action existingOwner. Personal data: only the normalized
 * email, the kind, the CRM id and the owner's CRM id are kept. A person the CRM deleted (a
 * Salesforce lead converted), or erased on request, keeps its row without email or owner (a
 * tombstone, no personal data) so every process's index follows the removal by changed_xid;
 * retention deletes tombstones past the retention window.
 */
export const crmPeople = pgTable(
  'crm_people',
  {
    crm: text('crm').notNull(),
    /** contact | lead */
    kind: text('kind').notNull(),
    id: text('id').notNull(),
    /** Trimmed, lower-cased; null = gone from the CRM or erased (not in any index). */
    email: text('email'),
    ownerCrmId: text('owner_crm_id'),
    syncedAt: timestamp('synced_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** The transaction that last changed the row: every process's index follows it (account-follow.ts). */
    changedXid: xid8('changed_xid')
      .notNull()
      .default(sql`pg_current_xact_id()`),
  },
  (t) => [
    uniqueIndex('crm_people_pk').on(t.crm, t.kind, t.id),
    index('crm_people_email_idx')
      .on(t.email)
      .where(sql`email is not null`),
    index('crm_people_changed_idx').on(t.changedXid),
    index('crm_people_synced_idx').on(t.crm, t.kind, t.syncedAt),
  ],
);

/**
 * Where a sync of one CRM object (accounts, contacts) stands: the CRM's page cursor after the last
 * stored page, so an interrupted load resumes there, and the watermark incremental syncs start from.
 */
export const crmSyncCursors = pgTable(
  'crm_sync_cursors',
  {
    crm: text('crm').notNull(),
    /** accounts | contacts | team | leads */
    object: text('object').notNull(),
    /** full | incremental */
    mode: text('mode').notNull(),
    /** running | done | failed */
    status: text('status').notNull(),
    /** The CRM's cursor after the last stored page (HubSpot `after` / last id; Salesforce last Id); null = from the start. */
    cursor: text('cursor'),
    /** Incremental syncs fetch changes from here (the CRM's modstamp, ISO 8601); set when a sync completes. */
    watermark: text('watermark'),
    /** The highest modstamp seen by the running sync: the next watermark once it completes. */
    runWatermark: text('run_watermark'),
    /** Rows stored by the current (or last) run, and CRM calls it made. */
    loaded: integer('loaded').notNull().default(0),
    calls: integer('calls').notNull().default(0),
    lastError: text('last_error'),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [uniqueIndex('crm_sync_cursors_pk').on(t.crm, t.object)],
);

/**
 * Accounts a CRM said changed (HubSpot company webhooks, Salesforce change events and gap events),
 * waiting to be re-read from the CRM into the mirror. Stored before the webhook's 2xx, one row per
 * account however many events named it; a worker drains them (fetch, upsert or mark deleted).
 */
export const crmAccountChanges = pgTable(
  'crm_account_changes',
  {
    crm: text('crm').notNull(),
    accountId: text('account_id').notNull(),
    /** changed | deleted: what the event said (a deletion is applied without asking the CRM). */
    kind: text('kind').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
  },
  (t) => [
    uniqueIndex('crm_account_changes_pk').on(t.crm, t.accountId),
    index('crm_account_changes_received_idx').on(t.receivedAt),
  ],
);

/**
 * The audit trail of erasures on request (docs/operations.md "Erasure"): who asked, when, and how many
 * rows of each table were erased. The email itself is never stored: only its SHA-256 (lowercased).
 */
export const erasures = pgTable(
  'erasures',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** sha256 hex of the trimmed, lowercased email asked for. */
    emailSha256: text('email_sha256').notNull(),
    /** The actor (editor:1a2b3c4d, or cli when run against the database directly), never a token. */
    requestedBy: text('requested_by').notNull(),
    /** Rows changed per table: { leads, inbound_events, assignments, outbox, ... }. */
    rows: jsonb('rows').notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('erasures_at_idx').on(t.at)],
);

export const schema = {
  inboundEvents,
  leads,
  assignments,
  outbox,
  rotationCursors,
  routingCounters,
  configVersions,
  configActive,
  configActivations,
  configDrafts,
  connectorState,
  ownershipChanges,
  conflicts,
  slaTimers,
  repAvailability,
  repAvailabilityChanges,
  leadReports,
  leadReportDays,
  bulkJobs,
  bulkJobItems,
  notifications,
  crmAccounts,
  crmAccountContacts,
  crmAccountTeamMembers,
  crmPeople,
  crmSyncCursors,
  crmAccountChanges,
  erasures,
};
