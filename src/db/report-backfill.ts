// lead_reports rows for leads routed before the table existed (migration 0009_reports), made from
// what those leads kept: their first assignment (the decision and when it was stored), its inbound
// event (CRM, when we received it), the lead's data (leadSource, the CRM's createdAt) and its
// outbox row (when the owner was written and its echo came back). Mode is live: shadow mode came
// with the same migration. Each batch adds its rows to lead_report_days in the same statement, as
// the routing write does, so the rollup stays equal to a rebuild from lead_reports.
//
// Safe to run again and beside a running service: only leads with no row get one (the routing
// write inserts a lead's row with its first assignment, in one transaction, so a lead it handled is
// never without one), and only leads first decided before `before`, so a lead the routing left
// without a row on purpose after the table existed is not given one.
import { sql } from 'drizzle-orm';
import { rowsOf, type DbOrTx } from './client.js';
import { speedMeasures } from './report-durations.js';
import { rollUpSql } from './report-rollup.js';

/** When reports began: the first row's decision; null when the table is empty (every lead predates it). */
export async function firstReportDecidedAt(db: DbOrTx): Promise<Date | null> {
  const [r] = rowsOf<{ at: string | Date | null }>(
    await db.execute(sql`select min(decided_at) as at from lead_reports`),
  );
  return r?.at ? new Date(r.at) : null;
}

/**
 * One batch: the `limit` leads after `afterLeadId` (by id); answers the leads read, the rows
 * added and the last lead id read (null: no lead left to read).
 */
export async function backfillLeadReportsBatch(
  db: DbOrTx,
  opts: { afterLeadId: string | null; before: Date; limit: number },
): Promise<{ read: number; added: number; lastLeadId: string | null }> {
  const after = opts.afterLeadId ?? '00000000-0000-0000-0000-000000000000';
  const [r] = rowsOf<{ read: number; added: number; last: string | null }>(
    await db.execute(sql`
      with batch as (
        select id from leads where id > ${after}::uuid order by id limit ${opts.limit}
      ), first as (
        select distinct on (a.lead_id) a.* from assignments a join batch b on b.id = a.lead_id
        order by a.lead_id, a.created_at, a.id
      ), r as (
        insert into lead_reports (lead_id, assignment_id, crm, source, pool_id, rule_id, outcome, reason_code, rep_id,
          crm_owner_id, mode, crm_created_at, received_at, decided_at, written_at, confirmed_at)
        select f.lead_id, f.id, e.crm, coalesce(l.data->>'leadSource', e.source), f.pool_id, f.rule_id, f.outcome,
          f.reason_code, f.rep_id, f.crm_owner_id, 'live',
          -- The mapping let only an ISO 8601 time with an offset through (src/lead/lead.ts).
          case when l.data->>'createdAt' ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' then (l.data->>'createdAt')::timestamptz end,
          e.received_at, f.created_at, case when o.status = 'done' then o.done_at end, o.confirmed_at
        from first f
        join inbound_events e on e.id = f.event_id
        join leads l on l.id = f.lead_id
        left join outbox o on o.assignment_id = f.id
        where f.created_at < ${opts.before.toISOString()}::timestamptz
          and not exists (select 1 from lead_reports x where x.lead_id = f.lead_id)
        on conflict (lead_id) do nothing
        returning *
      ), rolled as (${rollUpSql(sql`r`, speedMeasures)})
      select (select count(*)::int from batch) as read, (select count(*)::int from r) as added, (select id::text from batch order by id desc limit 1) as last`),
  );
  return { read: r?.read ?? 0, added: r?.added ?? 0, lastLeadId: r?.last ?? null };
}
