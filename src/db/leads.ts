import { and, inArray, isNull } from 'drizzle-orm';
import type { DbOrTx } from './client.js';
import { leads } from './schema.js';

export type LeadRow = typeof leads.$inferSelect;

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
