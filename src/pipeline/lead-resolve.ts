// "One id a user can use": GET /v1/leads/:id accepts any id a caller holds and finds the lead.
//
// Forms, tried in this order (the first that finds something wins):
//   1. a uuid: the lead id, else our event id (the `eventId` of a 202 or a webhook ack);
//   2. `crm:objectType:recordId` (e.g. `hubspot:contact:5001`, `api:lead:<externalId>`): the lead of
//      that CRM record; the record id may itself hold ':' (everything after the second ':');
//   3. `source:idempotencyKey` (e.g. `web-form:order-1234`, or `hubspot:<HubSpot eventId>`,
//      `salesforce:<Notification Id>`): the event, then the lead it is about. The source is the
//      `source` sent to POST /v1/leads, or a CRM webhook's name; when the source or the key holds
//      ':', every split is tried and the shortest source that matches wins, an intake source
//      (`api:<source>`) before a CRM webhook of the same name.
// An event resolves to the lead its own decision was stored on, else the lead of its record. A
// record routed twice has one lead (leads are unique per record), so every form lands on the
// lead's current state and latest decision. An event with no lead yet answers `pending`.
import {
  findInboundEventsByKeys,
  findInboundEventSummary,
  findLead,
  findLeadIdByRecord,
  findLeadIdOfEvent,
  type InboundEventSummary,
} from '../db/index.js';
import { errors, type AppError } from '../errors.js';
import type { PipelineDeps } from './deps.js';

export type ResolvedLead = { kind: 'lead'; leadId: string } | { kind: 'pending'; event: InboundEventSummary };

/** What GET /v1/leads/:id answers (202) for an event that has no lead yet. */
export interface PendingLeadView {
  leadId: null;
  eventId: string;
  /** The event's status: received or queued (routing pending), failed (dead letter), refused (never routed), done (nothing to route). */
  status: string;
  event: {
    source: string;
    sourceEventId: string;
    kind: string;
    record: { crm: string; objectType: string; recordId: string };
    attempts: number;
    lastError: string | null;
    /** Set while routing is retrying after a failure: when the next try is due. */
    nextAttemptAt: string | null;
    receivedAt: string;
    processedAt: string | null;
  };
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function resolveLeadRef(deps: PipelineDeps, ref: string): Promise<ResolvedLead> {
  if (uuidPattern.test(ref)) {
    const id = ref.toLowerCase();
    if (await findLead(deps.db, id)) return { kind: 'lead', leadId: id };
    const ev = await findInboundEventSummary(deps.db, id);
    if (ev) return ofEvent(deps, ev);
    throw notFound(ref, 'as a lead id and as an event id');
  }
  const parts = ref.split(':');
  if (parts.length < 2)
    throw notFound(
      ref,
      'nowhere: it is not a uuid (lead id, event id) and has no ":" (source:idempotencyKey, crm:objectType:recordId)',
    );
  if (parts.length >= 3) {
    const leadId = await findLeadIdByRecord(deps.db, parts[0]!, parts[1]!, parts.slice(2).join(':'));
    if (leadId) return { kind: 'lead', leadId };
  }
  const splits = parts
    .slice(1)
    .map((_, i) => ({ source: parts.slice(0, i + 1).join(':'), sourceEventId: parts.slice(i + 1).join(':') }));
  const keys = splits.flatMap((s) => [{ source: `api:${s.source}`, sourceEventId: s.sourceEventId }, s]);
  const found = await findInboundEventsByKeys(deps.db, keys);
  for (const k of keys) {
    const ev = found.find((e) => e.source === k.source && e.sourceEventId === k.sourceEventId);
    if (ev) return ofEvent(deps, ev);
  }
  const asRecord =
    parts.length >= 3 ? `as the CRM record ${parts[0]}/${parts[1]}/${parts.slice(2).join(':')} and ` : '';
  throw notFound(
    ref,
    `${asRecord}as source:idempotencyKey (source "${splits[0]!.source}", key "${splits[0]!.sourceEventId}"${splits.length > 1 ? `, and ${splits.length - 1} other split(s)` : ''})`,
  );
}

export function pendingLeadView(ev: InboundEventSummary): PendingLeadView {
  return {
    leadId: null,
    eventId: ev.id,
    status: ev.status,
    event: {
      source: ev.source,
      sourceEventId: ev.sourceEventId,
      kind: ev.kind,
      record: { crm: ev.crm, objectType: ev.objectType, recordId: ev.recordId },
      attempts: ev.attempts,
      lastError: ev.lastError,
      nextAttemptAt: ev.nextAttemptAt?.toISOString() ?? null,
      receivedAt: ev.receivedAt.toISOString(),
      processedAt: ev.processedAt?.toISOString() ?? null,
    },
  };
}

/** The pending answer as one line of text (GET .../decision?format=text). */
export function explainPendingView(v: PendingLeadView): string {
  const why =
    v.status === 'received' || v.status === 'queued'
      ? 'not routed yet'
      : `no lead (event ${v.status}${v.event.lastError ? `: ${v.event.lastError}` : ''})`;
  return `Event ${v.eventId} from ${v.event.source}, received ${v.event.receivedAt}: ${why}.\n`;
}

async function ofEvent(deps: PipelineDeps, ev: InboundEventSummary): Promise<ResolvedLead> {
  const leadId = await findLeadIdOfEvent(deps.db, ev);
  return leadId ? { kind: 'lead', leadId } : { kind: 'pending', event: ev };
}

function notFound(ref: string, lookedUp: string): AppError {
  return errors.notFound(`lead ${ref}`, `looked up ${lookedUp}`);
}
