// Intake contract: an event is committed to Postgres before the caller gets its 2xx. Requests
// arriving together are stored in one multi-row INSERT (group commit), so a burst costs one
// round trip and one commit, not one each. The queue is only a nudge, sent after the ack is
// decided: if Redis is down the ack still stands and the sweeper enqueues the event later.
//
// Poison: a CRM batch is never refused whole for one bad item. An item the connector refused
// (its CRM's schema), or any event holding a string Postgres cannot store (NUL, lone surrogate;
// checked here for every source: webhooks, CDC, polling), is stored escaped with status
// 'refused' and its reason in last_error, counted in inbound_events_total{outcome="refused"},
// and never routed; the rest of the batch is stored and acked as usual.
import { createHash } from 'node:crypto';
import type { InboundEvent, RefusedEvent } from '../connector.js';
import { findInboundEventIds, insertInboundEvents, storeInboundEvents, type NewInboundEvent } from '../db/index.js';
import { fieldPath } from '../errors.js';
import { escapeString, exactJson, findUnstorable, toStorable } from '../storable-text.js';
import type { PipelineDeps } from './deps.js';
import { createBatcher, type GroupCommit } from './group-commit.js';
import { leadIdFields } from './lead-log.js';
import { leftToSweeper } from './hand-over.js';
import { routeJobMaxEvents, type RouteJob } from './jobs.js';
import { createRouteNudger, type RouteNudger } from './route-nudge.js';

export interface ApiLeadInput {
  source: string;
  idempotencyKey: string;
  lead: Record<string, unknown> & { externalId?: string };
}

type Stored = { id: string; duplicate: boolean };

// One batcher per pipeline (per process), and two route nudgers: API leads' and CRM events', each
// with its own window (deps.ts: an API lead's routing reads no CRM record). Made on first use.
const batchers = new WeakMap<PipelineDeps, GroupCommit<NewInboundEvent, Stored>>();
const nudgers = new WeakMap<PipelineDeps, Record<NudgeKind, RouteNudger<Nudged>>>();

type Nudged = { eventId: string; requestId?: string };
type NudgeKind = 'api' | 'crm';

function routeNudger(deps: PipelineDeps, kind: NudgeKind): RouteNudger<Nudged> {
  let n = nudgers.get(deps);
  if (!n) {
    const made = (windowMs: number) =>
      createRouteNudger<Nudged>((events) => nudgeRoute(deps, events), { windowMs, maxEvents: routeJobSize(deps) });
    const crm = deps.routeJobWindowMs ?? 0;
    n = { crm: made(crm), api: made(deps.apiRouteJobWindowMs ?? crm) };
    nudgers.set(deps, n);
  }
  return n[kind];
}

/** Adds the route jobs intake is still holding back (shutdown: before the queue closes). */
export async function flushRouteNudges(deps: PipelineDeps): Promise<void> {
  const n = nudgers.get(deps);
  if (n) await Promise.all([n.api.flush(), n.crm.flush()]);
}

const routeJobSize = (deps: PipelineDeps) => Math.min(routeJobMaxEvents, deps.routeJobEvents ?? routeJobMaxEvents);

function intakeBatcher(deps: PipelineDeps): GroupCommit<NewInboundEvent, Stored> {
  let b = batchers.get(deps);
  if (!b) {
    b = createBatcher(
      async (evs) => {
        const stored = await storeInboundEvents(deps.db, evs);
        // The statement's new events ride the next route job (route-nudge.ts: on the next turn, or
        // within the API window of the last job, deps.ts), not awaited: the ack does not wait for Redis.
        const fresh = stored.flatMap((r, i) => (r.duplicate ? [] : [{ eventId: r.id, requestId: evs[i]!.requestId }]));
        void routeNudger(deps, 'api').add(fresh);
        return stored;
      },
      { maxBatch: routeJobMaxEvents, maxConcurrent: 1 },
    );
    batchers.set(deps, b);
  }
  return b;
}

/** Who brought the events: the HTTP request's id, stored on each event so later log lines name it. */
export interface IntakeContext {
  requestId?: string;
  /**
   * Wait until each new event's route job is enqueued before answering (a bulk import: its next
   * batch waits for Redis, so a million rows never pile up as promises in memory). A webhook's
   * ack never waits for Redis.
   */
  awaitNudges?: boolean;
}

export async function ingestApiLead(
  deps: PipelineDeps,
  input: ApiLeadInput,
  ctx: IntakeContext = {},
): Promise<{ eventId: string; duplicate: boolean }> {
  const { externalId, ...fields } = input.lead;
  const { id, duplicate } = await intakeBatcher(deps).submit({
    ...(ctx.requestId && { requestId: ctx.requestId }),
    source: `api:${input.source}`,
    sourceEventId: input.idempotencyKey,
    kind: 'created',
    crm: 'api',
    objectType: 'lead',
    recordId: externalId ?? input.idempotencyKey,
    payload: { fields },
  });
  deps.metrics.eventsReceived.inc({ source: 'api', outcome: duplicate ? 'duplicate' : 'stored' });
  return { eventId: id, duplicate };
}

export interface IngestResult {
  /** New events stored for routing. */
  stored: number;
  /** Items already stored (a redelivery), refused or not. */
  duplicates: number;
  /** New items stored as refused. */
  refused: number;
  /** Every item of the batch, in order, with our event id (the first one's, for a redelivery): the id GET /v1/leads/:id takes. */
  events: Array<{ sourceEventId: string; eventId: string }>;
}

/** A CRM's batch: events and refused items stored in one statement, each new event enqueued for routing. */
export async function ingestCrmEvents(
  deps: PipelineDeps,
  source: string,
  events: InboundEvent[],
  refused: RefusedEvent[] = [],
  ctx: IntakeContext = {},
): Promise<IngestResult> {
  const rows: NewInboundEvent[] = [];
  const requestId = ctx.requestId ? { requestId: ctx.requestId } : {};
  for (const e of events) {
    const unstorable = [...findUnstorable(e), ...overlongIds(e)];
    if (unstorable.length === 0)
      rows.push({
        source,
        sourceEventId: e.sourceEventId,
        kind: e.kind,
        crm: e.record.crm,
        objectType: e.record.objectType,
        recordId: e.record.id,
        payload: e,
        ...requestId,
      });
    else
      rows.push({
        ...refusedRow(source, {
          sourceEventId: e.sourceEventId,
          kind: e.kind,
          record: e.record,
          errors: unstorable.map((u) => ({ path: fieldPath(u.path, 'event'), message: u.message })),
          original: e,
        }),
        ...requestId,
      });
  }
  for (const r of refused) rows.push({ ...refusedRow(source, r), ...requestId });
  const inserted = await insertInboundEvents(deps.db, rows);
  const newRefused = inserted.filter((r) => r.status === 'refused');
  const stored = inserted.length - newRefused.length;
  deps.metrics.eventsReceived.inc({ source, outcome: 'stored' }, stored);
  deps.metrics.eventsReceived.inc({ source, outcome: 'refused' }, newRefused.length);
  deps.metrics.eventsReceived.inc({ source, outcome: 'duplicate' }, rows.length - inserted.length);
  if (newRefused.length > 0) {
    const reasons = new Map(rows.map((r) => [r.sourceEventId, r.lastError]));
    for (const r of newRefused)
      deps.logger.warn(
        {
          ...leadIdFields({ eventId: r.id, requestId: ctx.requestId }),
          source,
          sourceEventId: r.sourceEventId,
          reason: reasons.get(r.sourceEventId),
        },
        'inbound event refused: stored, not routed',
      );
  }
  const fresh = inserted
    .filter((r) => r.status !== 'refused')
    .map((r) => ({ eventId: r.id, requestId: ctx.requestId }));
  // A bulk import's batch is already a full job or more, and waits for its add (no window).
  if (ctx.awaitNudges) await nudgeRoute(deps, fresh);
  else void routeNudger(deps, 'crm').add(fresh);
  return {
    stored,
    duplicates: rows.length - inserted.length,
    refused: newRefused.length,
    events: await eventIdsOf(deps, source, rows, inserted),
  };
}

/** Ids of the new rows from the insert; a redelivery's from the rows stored the first time (one read, only then). */
async function eventIdsOf(
  deps: PipelineDeps,
  source: string,
  rows: NewInboundEvent[],
  inserted: Array<{ id: string; sourceEventId: string }>,
): Promise<IngestResult['events']> {
  const ids = new Map(inserted.map((r) => [r.sourceEventId, r.id]));
  const missing = rows.filter((r) => !ids.has(r.sourceEventId)).map((r) => r.sourceEventId);
  if (missing.length) for (const [k, id] of await findInboundEventIds(deps.db, source, missing)) ids.set(k, id);
  return rows.flatMap((r) =>
    ids.has(r.sourceEventId) ? [{ sourceEventId: r.sourceEventId, eventId: ids.get(r.sourceEventId)! }] : [],
  );
}

/**
 * Ids are indexed (inbound_events on source + source_event_id, leads on record id): a btree entry
 * past ~2.7 kB fails the whole INSERT. No CRM id comes near 255 characters.
 */
export const maxIdChars = 255;

function overlongIds(e: InboundEvent): Array<{ path: PropertyKey[]; message: string }> {
  const ids: Array<[PropertyKey[], string]> = [
    [['sourceEventId'], e.sourceEventId],
    [['record', 'id'], e.record.id],
    [['record', 'objectType'], e.record.objectType],
  ];
  return ids
    .filter(([, v]) => v.length > maxIdChars)
    .map(([path]) => ({ path, message: `is longer than ${maxIdChars} characters` }));
}

const clip = (s: string) => (s.length > maxIdChars ? `${s.slice(0, maxIdChars - 1)}…` : s);

/**
 * A refused item as a row Postgres accepts: every string escaped (NUL -> the text "\u0000", lone
 * surrogate -> U+FFFD), the exact original kept as escaped JSON text when escaping changed it.
 * Without a usable delivery id, the id is a digest of the item, so a redelivery is still a no-op.
 */
function refusedRow(source: string, r: RefusedEvent): NewInboundEvent {
  const original = toStorable(r.original);
  const exact = exactJson(r.original);
  const storableText = JSON.stringify(original) ?? 'null';
  const usableId = r.sourceEventId !== undefined && r.sourceEventId.length <= maxIdChars ? r.sourceEventId : undefined;
  const sourceEventId =
    usableId ??
    `refused:${createHash('sha256')
      .update(exact ?? storableText)
      .digest('hex')
      .slice(0, 32)}`;
  const reason = escapeString(r.errors.map((i) => `${i.path}: ${i.message}`).join('; '));
  return {
    source,
    sourceEventId: escapeString(sourceEventId),
    kind: clip(escapeString(r.kind)),
    crm: r.record.crm,
    objectType: clip(escapeString(r.record.objectType)),
    recordId: clip(escapeString(r.record.id)),
    payload: {
      refused: { errors: toStorable(r.errors) },
      original,
      ...(exact !== undefined && exact !== storableText && { originalJson: exact }),
    },
    status: 'refused',
    lastError: reason, // scrubbed and cut to length where it is stored (db storedError)
  };
}

/**
 * One route job per chunk of new events (job id: the chunk's first event id). Not awaited by the
 * ack: the events are already durable, and Redis latency is not the caller's. Never rejects; when
 * the queue refuses, each event is named in its own warn line and left to the sweeper.
 */
async function nudgeRoute(deps: PipelineDeps, events: Nudged[]): Promise<void> {
  const size = routeJobSize(deps);
  const chunks: Array<typeof events> = [];
  for (let i = 0; i < events.length; i += size) chunks.push(events.slice(i, i + size));
  await Promise.all(
    chunks.map(async (chunk) => {
      const job: RouteJob = { v: 2, eventIds: chunk.map((e) => e.eventId) };
      try {
        await deps.queue.enqueue('route', job, { jobId: chunk[0]!.eventId });
      } catch (err) {
        for (const e of chunk)
          leftToSweeper(
            deps,
            'route',
            leadIdFields(e),
            err instanceof Error ? err : new Error(String(err)),
            'route job not enqueued',
          );
      }
    }),
  );
}
