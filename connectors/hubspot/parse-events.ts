// Webhook batch -> InboundEvent[], pure. HubSpot posts a JSON array (under 100 events) per request.
// - "<type>.creation" (legacy, e.g. contact.creation) and "object.creation" (generic, with
//   objectTypeId) -> 'created', for the object types the config names.
// - "<type>.propertyChange" / "object.propertyChange" on hubspot_owner_id -> 'ownerChanged' (with
//   changeSource/sourceId, which sync/ uses to recognise our own write coming back); any other
//   property -> 'updated'.
// - Other subscription types (deletion, merge, association...) and unconfigured object types are
//   skipped, not rejected: a 4xx would make HubSpot drop the whole batch, including events we want.
import { z } from 'zod';
import type { InboundEvent, InboundRequest } from '../../src/connector.js';
import { errors } from '../../src/errors.js';
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

const webhookBatch = z.array(webhookEvent);
type WebhookEvent = z.infer<typeof webhookEvent>;

export interface ParseOptions {
  objectTypes: readonly string[];
}

export function parseEvents(req: Pick<InboundRequest, 'rawBody'>, opts: ParseOptions): InboundEvent[] {
  let json: unknown;
  try {
    json = JSON.parse(req.rawBody);
  } catch (e) {
    throw errors.malformedJson(e instanceof Error ? e.message : 'unparseable');
  }
  const parsed = webhookBatch.safeParse(json);
  if (!parsed.success) {
    throw errors.validation(
      parsed.error.issues.map((i) => ({ path: ['body', ...i.path.map(String)].join('.'), message: i.message })),
    );
  }
  return parsed.data.flatMap((e) => toEvent(e, opts) ?? []);
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
