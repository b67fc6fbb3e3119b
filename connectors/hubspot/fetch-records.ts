// Batch read of the fields a mapping needs. HubSpot caps a batch at 100 inputs, and returns 207
// with an OBJECT_NOT_FOUND error for ids that were deleted or never existed: those records are
// simply absent from the result (the caller decides what a missing record means), everything
// else HubSpot returns is kept. We ask for exactly `fields` and hand back exactly those
// properties, so a mapping never silently depends on a default property HubSpot happens to add.
import type { CrmRecord } from '../../src/connector.js';
import type { HubSpotApis } from './client.js';
import { apiObjectType, canonicalObjectType, isContact } from './object-types.js';
import type { CallHubSpot } from './request.js';

export const batchLimit = 100;

interface BatchReadResult {
  results: Array<{ id: string; properties: Record<string, string | null> }>;
}

export async function fetchRecords(
  deps: { apis: HubSpotApis; call: CallHubSpot },
  objectType: string,
  ids: string[],
  fields: string[],
): Promise<CrmRecord[]> {
  const unique = [...new Set(ids)];
  const properties = [...new Set(fields)];
  const type = canonicalObjectType(objectType);
  const out: CrmRecord[] = [];
  for (const chunk of chunks(unique, batchLimit)) {
    const body = { inputs: chunk.map((id) => ({ id })), properties, propertiesWithHistory: [] };
    const res: BatchReadResult = isContact(type)
      ? await deps.call(`read ${chunk.length} contacts`, () => deps.apis.contactsBatch.read(body, false))
      : await deps.call(`read ${chunk.length} ${type}`, () =>
          deps.apis.objectsBatch.read(apiObjectType(type), body, false),
        );
    for (const r of res.results) {
      const picked: Record<string, unknown> = {};
      for (const f of properties) if (f in r.properties) picked[f] = r.properties[f];
      out.push({ ref: { crm: 'hubspot', objectType: type, id: r.id }, fields: picked });
    }
  }
  // HubSpot does not promise input order; callers get the order they asked for.
  const rank = new Map(unique.map((id, i) => [id, i]));
  return out.sort((a, b) => (rank.get(a.ref.id) ?? 0) - (rank.get(b.ref.id) ?? 0));
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
