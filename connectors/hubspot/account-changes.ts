// Company events in a HubSpot webhook batch -> the accounts to re-read or drop. Legacy
// subscriptions say company.creation / company.propertyChange / company.deletion (and
// company.restore, company.merge); generic ones say object.* with objectTypeId 0-2. Lenient on
// purpose: parseBatch already refuses malformed items with their paths; here an item that is not a
// well-formed company event is simply not an account change. A merge names the surviving company
// (objectId) and the merged-away ones (mergedObjectIds): the first is re-read, the others dropped.
import type { AccountChange, ContactChange, InboundRequest } from '../../src/connector.js';
import { canonicalObjectType } from './object-types.js';

/** The batch's well-formed items as (object type, action, object id, item); anything else is skipped. */
function* objectEvents(rawBody: string) {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    return;
  }
  if (!Array.isArray(json)) return;
  for (const item of json as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const e = item as Record<string, unknown>;
    const [prefix = '', action = ''] = str(e['subscriptionType']).split('.');
    const type = canonicalObjectType(prefix === 'object' ? str(e['objectTypeId']) : prefix);
    const id = e['objectId'];
    if (isId(id)) yield { type, action, id: String(id), e };
  }
}

// Only strings: an object here may carry a non-callable toString (String() would throw).
const str = (v: unknown) => (typeof v === 'string' ? v : '');

/**
 * Contact events that can move a per-account email-domain count or the people mirror: a new
 * contact, a change of its email, company (`associatedcompanyid`) or owner (`hubspot_owner_id`),
 * a deletion, a restore or merge. Other property changes are not read: they change neither.
 */
export function parseContactChanges(req: Pick<InboundRequest, 'rawBody'>): ContactChange[] {
  const out: ContactChange[] = [];
  for (const { type, action, id, e } of objectEvents(req.rawBody)) {
    if (type !== 'contact') continue;
    if (action === 'deletion' || action === 'privacyDeletion') out.push({ contactId: id, kind: 'deleted' });
    else if (action === 'creation' || action === 'restore' || action === 'merge' || action === 'associationChange')
      out.push({ contactId: id, kind: 'changed' });
    else if (
      action === 'propertyChange' &&
      ['email', 'associatedcompanyid', 'hubspot_owner_id'].includes(str(e['propertyName']))
    )
      out.push({ contactId: id, kind: 'changed' });
    if (action === 'merge' && Array.isArray(e['mergedObjectIds']))
      for (const m of e['mergedObjectIds'] as unknown[])
        if (isId(m)) out.push({ contactId: String(m), kind: 'deleted' });
  }
  return out;
}

export function parseAccountChanges(req: Pick<InboundRequest, 'rawBody'>): AccountChange[] {
  const out: AccountChange[] = [];
  for (const { type, action, id, e } of objectEvents(req.rawBody)) {
    if (type !== 'company') continue;
    if (action === 'deletion') out.push({ accountId: String(id), kind: 'deleted' });
    else if (['creation', 'propertyChange', 'restore', 'merge', 'associationChange'].includes(action))
      out.push({ accountId: String(id), kind: 'changed' });
    if (action === 'merge' && Array.isArray(e['mergedObjectIds']))
      for (const m of e['mergedObjectIds'] as unknown[])
        if (isId(m)) out.push({ accountId: String(m), kind: 'deleted' });
  }
  return out;
}

// A HubSpot object id is a 64-bit number: a longer digit string is not an id (and would not fit the
// change table's key index).
const isId = (v: unknown): v is string | number =>
  (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) || (typeof v === 'string' && /^\d{1,20}$/.test(v));
