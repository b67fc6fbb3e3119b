// Shadow mode's half of the ownership ledger (docs/shadow-mode.md): which records were decided in
// shadow mode, and the owner the CRM's own process set for them, kept beside our decision.
import { sql } from 'drizzle-orm';
import { jsonParam, rowsOf, type DbOrTx } from './client.js';
import type { RecordKey } from './ownership.js';

/** The records among `refs` whose lead was decided in shadow mode (keys as recordKeyOf). */
export async function findShadowRecords(db: DbOrTx, refs: RecordKey[]): Promise<RecordKey[]> {
  if (refs.length === 0) return [];
  // The unique index on leads (crm, object_type, record_id) answers the join; lead_reports by its key.
  return rowsOf<{ crm: string; object_type: string; record_id: string }>(
    await db.execute(sql`
      select l.crm, l.object_type, l.record_id
      from jsonb_to_recordset(${jsonParam(refs)}) as x(crm text, "objectType" text, "recordId" text)
      join leads l on l.crm = x.crm and l.object_type = x."objectType" and l.record_id = x."recordId"
      join lead_reports r on r.lead_id = l.id and r.mode = 'shadow'`),
  ).map((r) => ({ crm: r.crm, objectType: r.object_type, recordId: r.record_id }));
}

export interface CrmSetOwner {
  leadId: string;
  ownerId: string;
  repId: string | null;
  by: string | null;
  source: string | null;
  at: Date;
}

/** The first owner the CRM set is its answer to compare with ours; later changes are in ownership_changes. */
export async function recordCrmSetOwners(tx: DbOrTx, rows: CrmSetOwner[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.execute(sql`
    update lead_reports r set crm_set_owner_id = x."ownerId", crm_set_rep_id = x."repId", crm_set_by = x.by,
      crm_set_source = x.source, crm_set_at = x.at
    from jsonb_to_recordset(${jsonParam(rows)}) as x("leadId" uuid, "ownerId" text, "repId" text, by text, source text, at timestamptz)
    where r.lead_id = x."leadId" and r.crm_set_owner_id is null`);
}
