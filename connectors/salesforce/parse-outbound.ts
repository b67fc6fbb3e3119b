// Pure: a Salesforce outbound message (SOAP 1.1 "notifications" call) -> InboundEvents.
// One message carries 1..100 Notifications; each names a record (sObject, typed by xsi:type
// "sf:Lead") and the fields the admin selected. The Notification Id is the delivery id:
// Salesforce redelivers with the same Id, so it is the sourceEventId that makes redelivery a no-op.
// Namespace prefixes are dropped (Salesforce varies them: sf:, ens:); structure is checked instead.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { InboundEvent } from '../../src/connector.js';
import { errors } from '../../src/errors.js';

export const MAX_NOTIFICATIONS = 100;
const ROOT = 'body.Envelope.Body.notifications';
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

export interface OutboundNotification {
  id: string;
  objectType: string;
  recordId: string;
  /** Selected fields as sent: text, or null for xsi:nil. */
  fields: Record<string, string | null>;
}

export interface OutboundMessage {
  organizationId: string;
  actionId?: string;
  notifications: OutboundNotification[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  isArray: (name, jpath) => name === 'Notification' && String(jpath) === 'Envelope.Body.notifications.Notification',
});

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
const fail = (path: string, message: string) => errors.validation([{ path, message }]);

function text(v: unknown): string | null | undefined {
  if (typeof v === 'string') return v;
  if (isNode(v)) {
    if (v['@_nil'] === 'true') return null;
    if (typeof v['#text'] === 'string') return v['#text'];
    if (Object.keys(v).every((k) => k.startsWith('@_'))) return '';
  }
  return undefined;
}

function requiredText(node: Node, key: string, path: string): string {
  const v = text(node[key]);
  if (typeof v !== 'string' || v.trim() === '') throw fail(`${path}.${key}`, 'is required');
  return v.trim();
}

/** Throws VALIDATION_FAILED naming the path for malformed XML or a message of the wrong shape. */
export function parseOutboundXml(xml: string): OutboundMessage {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    const { line, col, msg } = valid.err;
    throw fail('body', `not well-formed XML at line ${line}, column ${col}: ${msg}`);
  }
  const doc = parser.parse(xml) as Node;
  const envelope = doc['Envelope'];
  const body = isNode(envelope) ? envelope['Body'] : undefined;
  const root = isNode(body) ? body['notifications'] : undefined;
  if (!isNode(root)) throw fail(ROOT, 'is missing: not a Salesforce outbound message');

  const organizationId = requiredText(root, 'OrganizationId', ROOT);
  const actionId = text(root['ActionId']) ?? undefined;
  const list = Array.isArray(root['Notification']) ? (root['Notification'] as unknown[]) : [];
  if (list.length === 0) throw fail(`${ROOT}.Notification`, 'at least one Notification is required');
  if (list.length > MAX_NOTIFICATIONS) {
    throw fail(`${ROOT}.Notification`, `has ${list.length} entries; Salesforce sends at most ${MAX_NOTIFICATIONS}`);
  }
  const notifications = list.map((n, i) => parseNotification(n, `${ROOT}.Notification[${i}]`));
  return { organizationId, ...(actionId ? { actionId } : {}), notifications };
}

function parseNotification(n: unknown, path: string): OutboundNotification {
  if (!isNode(n)) throw fail(path, 'must be an element with Id and sObject');
  const id = requiredText(n, 'Id', path);
  const so = n['sObject'];
  if (!isNode(so)) throw fail(`${path}.sObject`, 'is required');
  const xsiType = typeof so['@_type'] === 'string' ? so['@_type'] : '';
  const objectType = xsiType.split(':').pop() ?? '';
  if (!FIELD_NAME.test(objectType)) throw fail(`${path}.sObject.@type`, `"${xsiType}" is not an sObject type such as sf:Lead`);
  const recordId = requiredText(so, 'Id', `${path}.sObject`);

  const fields: Array<[string, string | null]> = [];
  for (const [key, value] of Object.entries(so)) {
    if (key.startsWith('@_') || !FIELD_NAME.test(key)) continue;
    const v = text(value);
    if (v === undefined) throw fail(`${path}.sObject.${key}`, 'must be a single text value');
    fields.push([key, v]);
  }
  return { id, objectType, recordId, fields: Object.fromEntries(fields) };
}

export interface OutboundEventOptions {
  /** Object types (or outbound ActionIds) whose messages report an owner change, not a new record. */
  ownerChangeOutboundObjects: readonly string[];
  /** When we received the message; used when the message carries no timestamp field. */
  receivedAt: string;
}

export function outboundToEvents(msg: OutboundMessage, opts: OutboundEventOptions): InboundEvent[] {
  const ownerChange = new Set(opts.ownerChangeOutboundObjects);
  return msg.notifications.map((n, i) => {
    const f = n.fields;
    const base = {
      sourceEventId: n.id,
      record: { crm: 'salesforce' as const, objectType: n.objectType, id: n.recordId },
      occurredAt: f['LastModifiedDate'] ?? f['SystemModstamp'] ?? f['CreatedDate'] ?? opts.receivedAt,
    };
    if (!ownerChange.has(n.objectType) && !(msg.actionId && ownerChange.has(msg.actionId))) {
      return { ...base, kind: 'created', fields: f };
    }
    if (!('OwnerId' in f)) {
      throw fail(`${ROOT}.Notification[${i}].sObject.OwnerId`, 'is required in an owner-change outbound message');
    }
    const changedBy = f['LastModifiedById'];
    return { ...base, kind: 'ownerChanged', newOwnerId: f['OwnerId'] ?? null, ...(changedBy ? { changedBy } : {}) };
  });
}
