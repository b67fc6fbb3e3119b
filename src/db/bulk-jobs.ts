// Bulk jobs (docs/bulk.md): the job rows the admin API shows and cancels, and a reroute's frozen
// slice of leads. A reroute item leaves 'pending' in the transaction that moves its lead
// (pipeline/bulk-reroute.ts), which is what makes a resumed job move nothing twice.
import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { LeadFilter } from '../bulk/index.js';
import { jsonParam as json, rowsOf, type DbOrTx, type Tx } from './client.js';
import { bulkJobs } from './schema.js';

export type BulkJobRow = typeof bulkJobs.$inferSelect;
export type BulkJobKind = 'reroute' | 'import';
export type BulkJobStatus = 'running' | 'done' | 'cancelled' | 'failed';

/** Errors kept on the job row (the CLI prints every one as it goes). */
export const maxStoredJobErrors = 1000;

/** Which leads a reroute takes: a filter, over open leads only, optionally only the unworked ones. */
export interface SliceQuery {
  filter: LeadFilter;
  now: Date;
  /** Leads nobody claimed (no claim, no claiming field change). */
  onlyUnworked: boolean;
  /** The reason code of ownership-sync reverts (sync/): not a routing decision, so not the lead's pool or rule. */
  revertReasonCode: string;
}

export interface SliceLead {
  id: string;
  crm: string;
  objectType: string;
  recordId: string;
  data: unknown;
  ownerRepId: string | null;
  crmOwnerId: string | null;
  closedAt: Date | null;
}

const anyOf = (column: SQL, values: Array<string | null>): SQL => {
  const ids = values.filter((v): v is string => v !== null);
  const parts: SQL[] = [];
  if (ids.length) parts.push(sql`${column} in (select jsonb_array_elements_text(${json(ids)}))`);
  if (ids.length < values.length) parts.push(sql`${column} is null`);
  return sql`(${sql.join(parts, sql` or `)})`;
};

/** The filter as SQL over `l` (leads) and `la` (the lead's latest assigning decision). */
function sliceWhere(q: SliceQuery): SQL {
  const where: SQL[] = [sql`l.closed_at is null`];
  if (q.onlyUnworked) where.push(sql`l.claimed_at is null`);
  const column = { owner: sql`l.owner_rep_id`, pool: sql`la.pool_id`, rule: sql`la.rule_id`, crm: sql`l.crm` };
  for (const c of q.filter.conditions) {
    if (c.field === 'age') {
      // age > 7d: stored before now - 7 days.
      const at = sql`${new Date(q.now.getTime() - c.ms).toISOString()}::timestamptz`;
      const op = { '>': sql`<`, '>=': sql`<=`, '<': sql`>`, '<=': sql`>=` }[c.op];
      where.push(sql`l.created_at ${op} ${at}`);
    } else {
      const test = anyOf(column[c.field], c.values);
      where.push(c.negate ? sql`not coalesce(${test}, false)` : test);
    }
  }
  return sql.join(where, sql` and `);
}

const latestAssigning = (q: SliceQuery) => sql`left join lateral (
    select a.pool_id, a.rule_id from assignments a
    where a.lead_id = l.id and a.outcome = 'assigned' and a.reason_code <> ${q.revertReasonCode}
    order by a.created_at desc limit 1) la on true`;

/** One page of the slice, by lead id (a dry run reads it page by page; nothing is locked). */
export async function listSliceLeads(
  db: DbOrTx,
  q: SliceQuery,
  page: { afterId?: string; limit: number },
): Promise<SliceLead[]> {
  const after = page.afterId ? sql`and l.id > ${page.afterId}::uuid` : sql``;
  return rowsOf<SliceLead>(
    await db.execute(sql`
      select l.id, l.crm, l.object_type as "objectType", l.record_id as "recordId", l.data,
        l.owner_rep_id as "ownerRepId", l.crm_owner_id as "crmOwnerId", l.closed_at as "closedAt"
      from leads l ${latestAssigning(q)}
      where ${sliceWhere(q)} ${after}
      order by l.id limit ${page.limit}`),
  );
}

/** A reroute job and its items (the slice as it is now), in one transaction; answers the job and its size. */
export async function createRerouteJob(
  db: DbOrTx,
  job: { params: unknown; createdBy: string; slice: SliceQuery },
): Promise<{ job: BulkJobRow; total: number }> {
  return db.transaction(async (tx) => {
    const created = await insertBulkJob(tx, {
      kind: 'reroute',
      params: job.params,
      createdBy: job.createdBy,
      counts: {},
    });
    const [row] = rowsOf<{ n: number }>(
      await tx.execute(sql`
        with i as (
          insert into bulk_job_items (job_id, lead_id, from_rep_id)
          select ${created.id}::uuid, l.id, l.owner_rep_id from leads l ${latestAssigning(job.slice)}
          where ${sliceWhere(job.slice)}
          returning 1
        ) select count(*)::int as n from i`),
    );
    const total = Number(row?.n ?? 0);
    const counts = { total, moved: 0, kept: 0, unplaced: 0, skipped: 0 };
    const [updated] = await tx.update(bulkJobs).set({ counts }).where(eq(bulkJobs.id, created.id)).returning();
    return { job: updated!, total };
  });
}

export async function insertBulkJob(
  db: DbOrTx,
  job: { kind: BulkJobKind; params: unknown; counts: Record<string, number>; createdBy: string },
): Promise<BulkJobRow> {
  const [row] = await db.insert(bulkJobs).values(job).returning();
  return row!;
}

/** The next pending items of a reroute with their leads, both locked (lead id order, after the routing state). */
export async function lockPendingRerouteItems(tx: Tx, jobId: string, limit: number): Promise<SliceLead[]> {
  return rowsOf<SliceLead>(
    await tx.execute(sql`
      select l.id, l.crm, l.object_type as "objectType", l.record_id as "recordId", l.data,
        l.owner_rep_id as "ownerRepId", l.crm_owner_id as "crmOwnerId", l.closed_at as "closedAt"
      from bulk_job_items i join leads l on l.id = i.lead_id
      where i.job_id = ${jobId}::uuid and i.status = 'pending'
      order by i.lead_id limit ${limit}
      for update of i, l`),
  );
}

export interface FinishedItem {
  leadId: string;
  status: 'moved' | 'kept' | 'unplaced' | 'skipped';
  fromRepId: string | null;
  toRepId: string | null;
  eventId: string | null;
}

/**
 * The end of a chunk in one statement: the moved leads' owners set exactly (a CRM queue has no
 * rep, which the routing upsert would keep) with owner_since, and every item out of pending.
 */
export async function finishRerouteItems(
  tx: Tx,
  jobId: string,
  items: FinishedItem[],
  owners: Array<{ leadId: string; repId: string | null; crmOwnerId: string }>,
  now: Date,
): Promise<void> {
  if (items.length === 0) return;
  const at = sql`${now.toISOString()}::timestamptz`;
  await tx.execute(sql`
    with owners as (
      update leads l set owner_rep_id = x.rep_id, crm_owner_id = x.crm_owner_id, owner_since = ${at}, updated_at = ${at}
      from jsonb_to_recordset(${json(owners.map((o) => ({ id: o.leadId, rep_id: o.repId, crm_owner_id: o.crmOwnerId })))})
        as x(id uuid, rep_id text, crm_owner_id text)
      where l.id = x.id
    )
    update bulk_job_items i set status = x.status, from_rep_id = x.from_rep_id, to_rep_id = x.to_rep_id,
      event_id = x.event_id, done_at = ${at}
    from jsonb_to_recordset(${json(items.map((it) => ({ lead_id: it.leadId, status: it.status, from_rep_id: it.fromRepId, to_rep_id: it.toRepId, event_id: it.eventId })))})
      as x(lead_id uuid, status text, from_rep_id text, to_rep_id text, event_id uuid)
    where i.job_id = ${jobId}::uuid and i.lead_id = x.lead_id`);
}

/**
 * Adds to the job's counts and appends errors (up to maxStoredJobErrors); also its heartbeat. One
 * statement (a chunk or import batch pays one round trip for it): the UPDATE's row lock makes the
 * read-modify-write atomic, and a concurrent update is re-read before the sums are taken.
 */
export async function addBulkJobProgress(
  db: DbOrTx,
  jobId: string,
  p: { counts: Record<string, number>; errors?: unknown[]; now: Date },
): Promise<BulkJobRow | undefined> {
  const add = sql`${json(p.counts)}::jsonb`;
  const [row] = await db
    .update(bulkJobs)
    .set({
      counts: sql`(select coalesce(jsonb_object_agg(k, coalesce((${bulkJobs.counts} ->> k)::bigint, 0) + coalesce((${add} ->> k)::bigint, 0)), '{}'::jsonb)
        from (select jsonb_object_keys(${bulkJobs.counts}) union select jsonb_object_keys(${add})) ks(k))`,
      errors: sql`${bulkJobs.errors} || coalesce((select jsonb_agg(e order by i) from jsonb_array_elements(${json(p.errors ?? [])}::jsonb) with ordinality t(e, i)
        where i <= ${maxStoredJobErrors} - jsonb_array_length(${bulkJobs.errors})), '[]'::jsonb)`,
      updatedAt: p.now,
    })
    .where(eq(bulkJobs.id, jobId))
    .returning();
  return row;
}

export async function finishBulkJob(db: DbOrTx, jobId: string, status: BulkJobStatus, now: Date): Promise<void> {
  await db
    .update(bulkJobs)
    .set({ status, finishedAt: now, updatedAt: now })
    .where(and(eq(bulkJobs.id, jobId), eq(bulkJobs.status, 'running')));
}

/** Back to running, for a resumed job (a failed one, or one whose process died). */
export async function resumeBulkJob(db: DbOrTx, jobId: string, now: Date): Promise<void> {
  await db.update(bulkJobs).set({ status: 'running', finishedAt: null, updatedAt: now }).where(eq(bulkJobs.id, jobId));
}

export async function getBulkJob(db: DbOrTx, id: string): Promise<BulkJobRow | undefined> {
  const [row] = await db.select().from(bulkJobs).where(eq(bulkJobs.id, id));
  return row;
}

/** Newest first. */
export async function listBulkJobs(db: DbOrTx, f: { kind?: BulkJobKind; status?: BulkJobStatus; limit: number }) {
  const where: SQL[] = [];
  if (f.kind) where.push(eq(bulkJobs.kind, f.kind));
  if (f.status) where.push(eq(bulkJobs.status, f.status));
  return db
    .select()
    .from(bulkJobs)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(bulkJobs.createdAt), desc(bulkJobs.id))
    .limit(f.limit);
}

/** Asks the job's process to stop at its next chunk; a job not running is answered as it is. */
export async function requestBulkJobCancel(db: DbOrTx, id: string, now: Date): Promise<BulkJobRow | undefined> {
  await db
    .update(bulkJobs)
    .set({ cancelRequestedAt: now })
    .where(and(eq(bulkJobs.id, id), eq(bulkJobs.status, 'running'), sql`${bulkJobs.cancelRequestedAt} is null`));
  return getBulkJob(db, id);
}
