// HubSpot owners -> CrmOwner, for matching reps to CRM ids. GET /crm/v3/owners/ is cursor-paged
// (paging.next.after). Active owners come first, then archived ones (deactivated users) marked
// active:false, so routing can say "this rep's HubSpot user is gone" instead of "unknown id".
// The owner `id` (not `userId`) is what hubspot_owner_id takes (HubSpot owners guide).
import type { CrmOwner, ListOwnersOptions } from '../../src/connector.js';
import type { HubSpotApis } from './client.js';
import type { CallHubSpot } from './request.js';

const pageSize = 100;
// A cursor that never ends would loop forever; 1,000 pages is 100,000 owners.
const maxPages = 1_000;

interface PublicOwner {
  id: string;
  type?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  archived?: boolean;
}

/** Queues are owners of type QUEUE on the same pages: `usersOnly` drops them without saving a call. */
export async function listOwners(
  deps: { apis: HubSpotApis; call: CallHubSpot },
  opts: ListOwnersOptions = {},
): Promise<CrmOwner[]> {
  const out: CrmOwner[] = [];
  const seen = new Set<string>();
  for (const archived of [false, true]) {
    let after: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      const res = await deps.call(
        `list owners${archived ? ' (archived)' : ''}`,
        () => deps.apis.owners.getPage(undefined, after, pageSize, archived),
        { background: opts.background === true },
      );
      for (const o of res.results as PublicOwner[]) {
        if (seen.has(o.id)) continue;
        seen.add(o.id);
        out.push(toOwner(o, archived));
      }
      const next = res.paging?.next?.after;
      if (!next || next === after) break;
      after = next;
    }
  }
  return opts.usersOnly ? out.filter((o) => o.kind === 'user') : out;
}

function toOwner(o: PublicOwner, archived: boolean): CrmOwner {
  const name = [o.firstName, o.lastName]
    .filter((s) => s && s.trim())
    .join(' ')
    .trim();
  return {
    id: o.id,
    kind: o.type === 'QUEUE' ? 'queue' : 'user',
    ...(o.email && { email: o.email }),
    ...(name && { name }),
    active: !(archived || o.archived === true),
  };
}
