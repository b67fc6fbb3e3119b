import { and, inArray, isNull } from 'drizzle-orm';
import type { Lead } from '../lead/index.js';
import type { DbOrTx } from './client.js';
import { leads } from './schema.js';

export type LeadRow = typeof leads.$inferSelect;

const recordKey = (l: Lead) => `${l.source.crm}\u0000${l.source.objectType}\u0000${l.source.id}`;

/** One lead row per source record; a batch routes each record once (one statement cannot update a row twice). */
export { recordKey as leadRecordKey };

/** Marks leads closed, once: answers only those closed now, with the rep whose open count drops. */
export async function closeLeads(
  tx: DbOrTx,
  ids: string[],
  now: Date,
): Promise<{ id: string; ownerRepId: string | null }[]> {
  if (ids.length === 0) return [];
  return tx
    .update(leads)
    .set({ closedAt: now, updatedAt: now })
    .where(and(inArray(leads.id, ids), isNull(leads.closedAt)))
    .returning({ id: leads.id, ownerRepId: leads.ownerRepId });
}
