// Webhook batch -> InboundEvent[], pure. HubSpot posts a JSON array (under 100 events) per request.
// - "<type>.creation" (legacy, e.g. contact.creation) and "object.creation" (generic, with
//   objectTypeId) -> 'created', for the object types the config names.
// - "<type>.propertyChange" / "object.propertyChange" on hubspot_owner_id -> 'ownerChanged' (with
//   changeSource/sourceId, which sync/ uses to recognise our own write coming back); any other
//   property -> 'updated'.
// - Other subscription types (deletion, merge, association...) and unconfigured object types are
//   skipped, not rejected: a 4xx would make HubSpot drop the whole batch, including events we want.
// - An item that breaks the event schema, or holds a string Postgres cannot store (NUL, a lone
//   surrogate), is refused alone (parseBatch): the rest of the batch is stored and acked 200. Only
//   a body that is not a JSON array of at most maxBatchEvents items is refused whole (400).
import { z } from 'zod';
import type { InboundEvent, InboundRequest, ParsedBatch, RefusedEvent } from '../../src/connector.js';
import { errors, fieldPath, type FieldIssue } from '../../src/errors.js';
import { findUnstorable } from '../../src/storable-text.js';
import { canonicalObjectType, isConfiguredType } from './object-types.js';

export const ownerProperty = 'hubspot_owner_id';

const id = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/, 'must be a numeric id')]);

const webhookEvent = z
  .looseObject({
    eventId: id,
    subscriptionType: z.string().min(1),
    objectId: id,
    /** Epoch milliseconds. */
    occurredAt: z.number().int().nonnegative(),
    objectTypeId: z.string().min(1).optional(),
    portalId: z.number().int().optional(),
    subscriptionId: z.number().int().optional(),
    attemptNumber: z.number().int().optional(),
    propertyName: z.string().min(1).optional(),
    propertyValue: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
    changeSource: z.string().optional(),
    sourceId: z.string().optional(),
  })
  .superRefine((e, ctx) => {
    const action = e.subscriptionType.split('.')[1];
    if (e.subscriptionType.startsWith('object.') && e.objectTypeId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['objectTypeId'], message: `required for ${e.subscriptionType}` });
    }
    if (action === 'propertyChange' && e.propertyName === undefined) {
      ctx.addIssue({ code: 'custom', path: ['propertyName'], message: `required for ${e.subscriptionType}` });
    }
  });

/** HubSpot sends under 100 events per request; far more is not a HubSpot batch. */
export const maxBatchEvents = 1000;

type WebhookEvent = z.infer<typeof webhookEvent>;

export interface ParseOptions {
  objectTypes: readonly string[];
}

/** Strict: any refused item fails the whole batch with every path (the connector contract's parseEvents). */
export function parseEvents(req: Pick<InboundRequest, 'rawBody'>, opts: ParseOptions): InboundEvent[] {
  const { events, refused } = parseBatch(req, opts);
  if (refused.length > 0) throw errors.validation(refused.flatMap((r) => r.errors));
  return events;
}

/** Item by item: each bad item is refused with its paths (body[3].objectId); the rest are events. */
export function parseBatch(req: Pick<InboundRequest, 'rawBody'>, opts: ParseOptions): ParsedBatch {
  let json: unknown;
  try {
    json = JSON.parse(req.rawBody);
  } catch (e) {
    throw errors.malformedJson(e instanceof Error ? e.message : 'unparseable');
  }
  if (!Array.isArray(json))
    throw errors.validation([{ path: 'body', message: 'must be a JSON array of webhook events' }]);
  if (json.length > maxBatchEvents) {
    throw errors.validation([
      {
        path: 'body',
        message: `has ${json.length} events; HubSpot sends under 100 per request (limit ${maxBatchEvents})`,
      },
    ]);
  }
  const events: InboundEvent[] = [];
  const refused: RefusedEvent[] = [];
  json.forEach((item: unknown, i) => {
    const at = (path: PropertyKey[]) => fieldPath([i, ...path], 'body');
    // Unstorable strings first: a zod message would quote the bad value back.
    const unstorable = findUnstorable(item);
    const parsed = unstorable.length === 0 ? webhookEvent.safeParse(item) : undefined;
    if (parsed?.success) {
      const e = toEvent(parsed.data, opts);
      if (e) events.push(e);
      return;
    }
    const issues: FieldIssue[] = parsed
      ? parsed.error.issues.map((x) => ({ path: at(x.path), message: x.message }))
      : unstorable.map((x) => ({ path: at(x.path), message: x.message }));
    refused.push(refusedItem(item, issues));
  });
  return { events, refused };
}

/** What can be told of a refused item, leniently: its eventId when valid (so a redelivery is a no-op), type and object. */
function refusedItem(item: unknown, issues: FieldIssue[]): RefusedEvent {
  const o = (typeof item === 'object' && item !== null && !Array.isArray(item) ? item : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const eventId = id.safeParse(o['eventId']);
  const objectId = id.safeParse(o['objectId']);
  const [prefix, action] = (str(o['subscriptionType']) ?? '').split('.');
  const rawType = prefix === 'object' ? str(o['objectTypeId']) : str(prefix);
  const kind =
    action === 'creation'
      ? 'created'
      : action === 'propertyChange'
        ? o['propertyName'] === ownerProperty
          ? 'ownerChanged'
          : 'updated'
        : 'unknown';
  return {
    ...(eventId.success && { sourceEventId: String(eventId.data) }),
    kind,
    record: {
      crm: 'hubspot',
      objectType: rawType ? canonicalObjectType(rawType) : 'unknown',
      id: objectId.success ? String(objectId.data) : 'unknown',
    },
    errors: issues,
    original: item,
  };
}

function toEvent(e: WebhookEvent, opts: ParseOptions): InboundEvent | undefined {
  const [prefix = '', action] = e.subscriptionType.split('.');
  const rawType = prefix === 'object' ? (e.objectTypeId ?? '') : prefix;
  if (!isConfiguredType(opts.objectTypes, rawType)) return undefined;
  const base = {
    sourceEventId: String(e.eventId),
    record: { crm: 'hubspot' as const, objectType: canonicalObjectType(rawType), id: String(e.objectId) },
    occurredAt: new Date(e.occurredAt).toISOString(),
  };
  if (action === 'creation') return { ...base, kind: 'created' };
  if (action !== 'propertyChange' || e.propertyName === undefined) return undefined;
  const value = e.propertyValue === undefined || e.propertyValue === null ? null : String(e.propertyValue);
  if (e.propertyName === ownerProperty) {
    return {
      ...base,
      kind: 'ownerChanged',
      // HubSpot sends "" when the owner is cleared.
      newOwnerId: value === null || value === '' ? null : value,
      ...(e.sourceId !== undefined && { changedBy: e.sourceId, sourceId: e.sourceId }),
      ...(e.changeSource !== undefined && { changeSource: e.changeSource }),
    };
  }
  return { ...base, kind: 'updated', changedFields: [e.propertyName], fields: { [e.propertyName]: value } };
}
