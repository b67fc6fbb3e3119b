import { and, inArray, isNull, sql } from 'drizzle-orm';
import type { Lead } from '../lead/index.js';
import type { DbOrTx } from './client.js';
import { leads } from './schema.js';

export type LeadRow = typeof leads.$inferSelect;

export interface LeadUpsert {
  lead: Lead;
  /** Null keeps whatever owner the lead already had (an unassigned outcome). */
  ownerRepId: string | null;
  crmOwnerId: string | null;
}

const recordKey = (l: Lead) => `${l.source.crm}\u0000${l.source.objectType}\u0000${l.source.id}`;

/**
 * One row per source record: a later trigger for the same record updates it. Returns the lead
 * id per record key. The caller passes each record once (one statement cannot update a row twice).
 */
export async function upsertLeads(tx: DbOrTx, rows: LeadUpsert[], now: Date): Promise<Map<string, string>> {
  if (rows.length === 0) return new Map();
  const out = await tx
    .insert(leads)
    .values(
      rows.map((r) => ({
        crm: r.lead.source.crm,
        objectType: r.lead.source.objectType,
        recordId: r.lead.source.id,
        data: r.lead,
        ownerRepId: r.ownerRepId,
        crmOwnerId: r.crmOwnerId,
        updatedAt: now,
      })),
    )
    .onConflictDoUpdate({
      target: [leads.crm, leads.objectType, leads.recordId],
      set: {
        data: sql`excluded.data`,
        ownerRepId: sql`coalesce(excluded.owner_rep_id, ${leads.ownerRepId})`,
        crmOwnerId: sql`coalesce(excluded.crm_owner_id, ${leads.crmOwnerId})`,
        updatedAt: now,
      },
    })
    .returning({ id: leads.id, crm: leads.crm, objectType: leads.objectType, recordId: leads.recordId });
  return new Map(out.map((r) => [`${r.crm}\u0000${r.objectType}\u0000${r.recordId}`, r.id]));
}

export { recordKey as leadRecordKey };

/** Marks leads closed, once: answers only those closed now, with the rep whose open count drops. */
export async function closeLeads(tx: DbOrTx, ids: string[], now: Date): Promise<{ id: string; ownerRepId: string | null }[]> {
  if (ids.length === 0) return [];
  return tx
    .update(leads)
    .set({ closedAt: now, updatedAt: now })
    .where(and(inArray(leads.id, ids), isNull(leads.closedAt)))
    .returning({ id: leads.id, ownerRepId: leads.ownerRepId });
}
