// Pure: a Salesforce outbound message (SOAP 1.1 "notifications" call) -> InboundEvents.
// One message carries 1..100 Notifications; each names a record (sObject, typed by xsi:type
// "sf:Lead") and the fields the admin selected. The Notification Id is the delivery id:
// Salesforce redelivers with the same Id, so it is the sourceEventId that makes redelivery a no-op.
// Namespace prefixes are dropped (Salesforce varies them: sf:, ens:); structure is checked instead.
//
// What is refused, and how (docs/connectors-salesforce.md "Poison input"):
// - the message as a whole (a SOAP Client fault, nothing stored) when it is not a well-formed,
//   plain SOAP notifications message: a DOCTYPE or entity declaration (SOAP 1.1 §3 forbids a DTD;
//   it is also the XXE and billion-laughs vector), nesting past maxXmlDepth, more than
//   maxAttributesPerElement attributes on one element, element names the parser will not turn
//   into object keys (__proto__, constructor), no OrganizationId, 0 or more than 100 Notifications;
// - one notification alone (stored as refused, the rest acked) when it lacks its Id/sObject, has a
//   field that is not a single text value, or holds a string Postgres cannot store (NUL).
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { InboundEvent, ParsedBatch, RefusedEvent } from '../../src/connector.js';
import { errors, fieldPath, isAppError, type FieldIssue } from '../../src/errors.js';
import { findUnstorable } from '../../src/storable-text.js';

export const MAX_NOTIFICATIONS = 100;
/** Envelope > Body > notifications > Notification > sObject > field is 6; Salesforce sends nothing deeper. */
export const maxXmlDepth = 20;
/** The Envelope carries about 4 namespace declarations, an sObject 2. */
export const maxAttributesPerElement = 32;
const ROOT = 'body.Envelope.Body.notifications';
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

export interface OutboundNotification {
  /** Its position among the message's Notification elements, for error paths. */
  index: number;
  id: string;
  objectType: string;
  recordId: string;
  /** Selected fields as sent: text, or null for xsi:nil. */
  fields: Record<string, string | null>;
}

export interface RefusedNotification {
  /** The notification's Id, when it had one. */
  id?: string;
  objectType?: string;
  recordId?: string;
  errors: FieldIssue[];
  /** The Notification element as parsed, before any escaping. */
  original: unknown;
}

export interface OutboundMessage {
  organizationId: string;
  actionId?: string;
  notifications: OutboundNotification[];
  /** Notifications refused one by one, with the paths of what is wrong in each. */
  refused: RefusedNotification[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  // The five predefined XML entities (Company `AT&amp;T` is `AT&T`); a DOCTYPE, and with it any
  // declared entity, is refused before parsing (rejectHostileXml).
  processEntities: true,
  htmlEntities: false,
  maxNestedTags: maxXmlDepth,
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

/**
 * Refuses what no Salesforce message holds and what costs us to parse, before the parser sees it.
 * One linear pass over the start tags; a DOCTYPE is refused whatever it declares.
 */
function checkXmlShape(xml: string): void {
  if (/<!DOCTYPE/i.test(xml) || /<!ENTITY/i.test(xml))
    throw fail('body', 'a DOCTYPE or entity declaration is not accepted in a SOAP message');
  const startTag = /<[A-Za-z_][^<>]*>/g;
  const attribute = /\s[^\s=<>]+\s*=\s*["']/g;
  for (let m = startTag.exec(xml); m; m = startTag.exec(xml)) {
    const count = m[0].match(attribute)?.length ?? 0;
    if (count > maxAttributesPerElement)
      throw fail('body', `an element has ${count} attributes (limit ${maxAttributesPerElement})`);
  }
}

/** The parser's own refusals (nesting, reserved names) are the sender's input, not our failure. */
function parseXml(xml: string): Node {
  try {
    return parser.parse(xml) as Node;
  } catch (err) {
    const reason = err instanceof Error ? err.message : 'unreadable';
    if (/nested tags/i.test(reason)) throw fail('body', `elements are nested deeper than ${maxXmlDepth} levels`);
    throw fail('body', `not a readable SOAP message: ${reason}`);
  }
}

/**
 * Throws VALIDATION_FAILED naming the path for malformed or hostile XML, or a message of the
 * wrong shape; a notification of the wrong shape is returned in `refused` instead.
 */
export function parseOutboundXml(xml: string): OutboundMessage {
  checkXmlShape(xml);
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    const { line, col, msg } = valid.err;
    throw fail('body', `not well-formed XML at line ${line}, column ${col}: ${msg}`);
  }
  const doc = parseXml(xml);
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
  const notifications: OutboundNotification[] = [];
  const refused: RefusedNotification[] = [];
  list.forEach((n, i) => {
    const path = `${ROOT}.Notification[${i}]`;
    const unstorable = findUnstorable(n);
    try {
      if (unstorable.length > 0)
        throw errors.validation(unstorable.map((u) => ({ path: xmlPath(path, u.path), message: u.message })));
      notifications.push(parseNotification(n, i, path));
    } catch (err) {
      if (!isAppError(err) || err.code !== 'VALIDATION_FAILED') throw err;
      refused.push({ ...whatIsKnown(n), errors: err.details?.errors ?? [{ path, message: err.message }], original: n });
    }
  });
  return { organizationId, ...(actionId ? { actionId } : {}), notifications, refused };
}

/** `sObject.Email.#text` as the XML names it: `sObject.Email`; attributes as `@type`. */
function xmlPath(prefix: string, parts: PropertyKey[]): string {
  const named = parts
    .filter((p) => p !== '#text')
    .map((p) => (typeof p === 'string' && p.startsWith('@_') ? `@${p.slice(2)}` : p));
  return fieldPath(named, prefix);
}

/** Leniently, what a refused notification says about itself (its Id makes a redelivery a no-op). */
function whatIsKnown(n: unknown): Pick<RefusedNotification, 'id' | 'objectType' | 'recordId'> {
  if (!isNode(n)) return {};
  const id = text(n['Id'])?.trim();
  const so = isNode(n['sObject']) ? n['sObject'] : {};
  const type = typeof so['@_type'] === 'string' ? (so['@_type'].split(':').pop() ?? '') : '';
  const recordId = text(so['Id'])?.trim();
  return { ...(id && { id }), ...(FIELD_NAME.test(type) && { objectType: type }), ...(recordId && { recordId }) };
}

function parseNotification(n: unknown, index: number, path: string): OutboundNotification {
  if (!isNode(n)) throw fail(path, 'must be an element with Id and sObject');
  const id = requiredText(n, 'Id', path);
  const so = n['sObject'];
  if (!isNode(so)) throw fail(`${path}.sObject`, 'is required');
  const xsiType = typeof so['@_type'] === 'string' ? so['@_type'] : '';
  const objectType = xsiType.split(':').pop() ?? '';
  if (!FIELD_NAME.test(objectType))
    throw fail(`${path}.sObject.@type`, `"${xsiType}" is not an sObject type such as sf:Lead`);
  const recordId = requiredText(so, 'Id', `${path}.sObject`);

  const fields: Array<[string, string | null]> = [];
  for (const [key, value] of Object.entries(so)) {
    if (key.startsWith('@_') || !FIELD_NAME.test(key)) continue;
    const v = text(value);
    if (v === undefined) throw fail(`${path}.sObject.${key}`, 'must be a single text value');
    fields.push([key, v]);
  }
  return { index, id, objectType, recordId, fields: Object.fromEntries(fields) };
}

export interface OutboundEventOptions {
  /** Object types (or outbound ActionIds) whose messages report an owner change, not a new record. */
  ownerChangeOutboundObjects: readonly string[];
  /** When we received the message; used when the message carries no timestamp field. */
  receivedAt: string;
}

/** The message's notifications as events; an owner-change notification without OwnerId is refused alone. */
export function outboundToEvents(msg: OutboundMessage, opts: OutboundEventOptions): ParsedBatch {
  const ownerChange = new Set(opts.ownerChangeOutboundObjects);
  const refused: RefusedEvent[] = msg.refused.map((r) => refusedEvent(r, 'unknown'));
  const events: InboundEvent[] = [];
  msg.notifications.forEach((n) => {
    const f = n.fields;
    const base = {
      sourceEventId: n.id,
      record: { crm: 'salesforce' as const, objectType: n.objectType, id: n.recordId },
      occurredAt: f['LastModifiedDate'] ?? f['SystemModstamp'] ?? f['CreatedDate'] ?? opts.receivedAt,
    };
    if (!ownerChange.has(n.objectType) && !(msg.actionId && ownerChange.has(msg.actionId))) {
      events.push({ ...base, kind: 'created', fields: f });
      return;
    }
    if (!('OwnerId' in f)) {
      const path = `${ROOT}.Notification[${n.index}].sObject.OwnerId`;
      refused.push(
        refusedEvent(
          {
            id: n.id,
            objectType: n.objectType,
            recordId: n.recordId,
            errors: [{ path, message: 'is required in an owner-change outbound message' }],
            original: n,
          },
          'ownerChanged',
        ),
      );
      return;
    }
    const changedBy = f['LastModifiedById'];
    events.push({
      ...base,
      kind: 'ownerChanged',
      newOwnerId: f['OwnerId'] ?? null,
      ...(changedBy ? { changedBy } : {}),
    });
  });
  return { events, refused };
}

function refusedEvent(r: RefusedNotification, kind: string): RefusedEvent {
  return {
    ...(r.id && { sourceEventId: r.id }),
    kind,
    record: { crm: 'salesforce', objectType: r.objectType ?? 'unknown', id: r.recordId ?? 'unknown' },
    errors: r.errors,
    original: r.original,
  };
}
