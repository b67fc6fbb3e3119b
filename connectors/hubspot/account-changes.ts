// Company events in a HubSpot webhook batch -> the accounts to re-read or drop. Legacy
// subscriptions say company.creation / company.propertyChange / company.deletion (and
// company.restore, company.merge); generic ones say object.* with objectTypeId 0-2. Lenient on
// purpose: parseBatch already refuses malformed items with their paths; here an item that is not a
// well-formed company event is simply not an account change. A merge names the surviving company
// (objectId) and the merged-away ones (mergedObjectIds): the first is re-read, the others dropped.
import type { AccountChange, InboundRequest } from '../../src/connector.js';
import { canonicalObjectType } from './object-types.js';

export function parseAccountChanges(req: Pick<InboundRequest, 'rawBody'>): AccountChange[] {
  let json: unknown;
  try {
    json = JSON.parse(req.rawBody);
  } catch {
    return [];
  }
  if (!Array.isArray(json)) return [];
  const out: AccountChange[] = [];
  for (const item of json as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const e = item as Record<string, unknown>;
    // Only strings: an object here may carry a non-callable toString (String() would throw).
    const str = (v: unknown) => (typeof v === 'string' ? v : '');
    const [prefix = '', action = ''] = str(e['subscriptionType']).split('.');
    const type = prefix === 'object' ? str(e['objectTypeId']) : prefix;
    const id = e['objectId'];
    if (canonicalObjectType(type) !== 'company' || !isId(id)) continue;
    if (action === 'deletion') out.push({ accountId: String(id), kind: 'deleted' });
    else if (['creation', 'propertyChange', 'restore', 'merge', 'associationChange'].includes(action))
      out.push({ accountId: String(id), kind: 'changed' });
    if (action === 'merge' && Array.isArray(e['mergedObjectIds']))
      for (const m of e['mergedObjectIds'] as unknown[])
        if (isId(m)) out.push({ accountId: String(m), kind: 'deleted' });
  }
  return out;
}

const isId = (v: unknown): v is string | number =>
  (typeof v === 'number' && Number.isInteger(v) && v >= 0) || (typeof v === 'string' && /^\d+$/.test(v));
