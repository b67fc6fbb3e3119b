import { eq, sql } from 'drizzle-orm';
import type { Lead } from '../lead/index.js';
import type { DbOrTx } from './client.js';
import { leads } from './schema.js';

export type LeadRow = typeof leads.$inferSelect;

/** One row per source record: a later trigger for the same record updates it. */
export async function upsertLead(
  tx: DbOrTx,
  lead: Lead,
  owner: { repId: string | null; crmOwnerId: string | null },
  now: Date,
): Promise<string> {
  const values = {
    crm: lead.source.crm,
    objectType: lead.source.objectType,
    recordId: lead.source.id,
    data: lead,
    ownerRepId: owner.repId,
    crmOwnerId: owner.crmOwnerId,
    updatedAt: now,
  };
  const [row] = await tx
    .insert(leads)
    .values(values)
    .onConflictDoUpdate({
      target: [leads.crm, leads.objectType, leads.recordId],
      set: {
        data: values.data,
        // An unassigned outcome keeps whatever owner the lead already had.
        ownerRepId: sql`coalesce(excluded.owner_rep_id, ${leads.ownerRepId})`,
        crmOwnerId: sql`coalesce(excluded.crm_owner_id, ${leads.crmOwnerId})`,
        updatedAt: now,
      },
    })
    .returning({ id: leads.id });
  return row!.id;
}

export async function getLead(db: DbOrTx, id: string): Promise<LeadRow | undefined> {
  const [row] = await db.select().from(leads).where(eq(leads.id, id));
  return row;
}
