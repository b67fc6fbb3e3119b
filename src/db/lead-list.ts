// GET /v1/leads: leads with their current decision, filtered, newest first, keyset-paginated.
//
// Order is (leads.created_at desc, leads.id desc): both are set once when a lead is first stored,
// so a re-route or an owner change never moves a lead between pages, and new leads only appear
// before the first page. The cursor carries created_at at microseconds (a JS Date would cut it to
// milliseconds and skip or repeat rows that share a millisecond).
//
// "Current decision" is the lead's latest assignment (created_at desc, id desc, as GET
// /v1/leads/:id/decision picks it); pool, rule, outcome and the time filters read it. Owner reads
// the lead's current owner (which a person may have changed in the CRM since).
//
// Indexes: leads_created_idx (created_at, id), read backwards, gives the order and the cursor's
// start without a sort; leads_email_idx (lower(data->>'email')) answers the email search. The
// pool/rule/outcome filters read the latest assignment per lead (assignments_lead_idx) row by
// row along that order. test/integration/lead-indexes.test.ts checks both plans with EXPLAIN.
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type DbOrTx } from './client.js';

export interface LeadListFilter {
  email?: string;
  domain?: string;
  owner?: string;
  pool?: string;
  rule?: string;
  outcome?: string;
  receivedFrom?: Date;
  receivedTo?: Date;
  routedFrom?: Date;
  routedTo?: Date;
}

/** Where the previous page ended: the last row's created_at (microsecond text) and id. */
export interface LeadListPosition {
  createdAt: string;
  id: string;
}

export interface LeadListRow {
  id: string;
  crm: string;
  objectType: string;
  recordId: string;
  email: string | null;
  emailDomain: string | null;
  websiteDomain: string | null;
  ownerRepId: string | null;
  crmOwnerId: string | null;
  /** ISO 8601, UTC, milliseconds. */
  createdAt: string;
  /** The created_at the cursor needs (microseconds). */
  position: string;
  eventId: string | null;
  eventSource: string | null;
  receivedAt: string | null;
  routedAt: string | null;
  outcome: string | null;
  poolId: string | null;
  ruleId: string | null;
  reasonCode: string | null;
}

const iso = (col: SQL) => sql`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export async function listLeads(
  db: DbOrTx,
  filter: LeadListFilter,
  after: LeadListPosition | undefined,
  limit: number,
): Promise<LeadListRow[]> {
  const where: SQL[] = [];
  if (filter.email !== undefined) where.push(sql`lower(l.data->>'email') = ${filter.email.toLowerCase()}`);
  if (filter.domain !== undefined) {
    const d = filter.domain.toLowerCase();
    where.push(sql`(lower(l.data->>'emailDomain') = ${d} or lower(l.data->>'websiteDomain') = ${d})`);
  }
  if (filter.owner !== undefined)
    where.push(sql`(l.owner_rep_id = ${filter.owner} or l.crm_owner_id = ${filter.owner})`);
  if (filter.pool !== undefined) where.push(sql`a.pool_id = ${filter.pool}`);
  if (filter.rule !== undefined) where.push(sql`a.rule_id = ${filter.rule}`);
  if (filter.outcome !== undefined) where.push(sql`a.outcome = ${filter.outcome}`);
  if (filter.receivedFrom) where.push(sql`e.received_at >= ${filter.receivedFrom.toISOString()}::timestamptz`);
  if (filter.receivedTo) where.push(sql`e.received_at < ${filter.receivedTo.toISOString()}::timestamptz`);
  if (filter.routedFrom) where.push(sql`a.created_at >= ${filter.routedFrom.toISOString()}::timestamptz`);
  if (filter.routedTo) where.push(sql`a.created_at < ${filter.routedTo.toISOString()}::timestamptz`);
  if (after) where.push(sql`(l.created_at, l.id) < (${after.createdAt}::timestamptz, ${after.id}::uuid)`);
  const condition = where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``;
  const rows = rowsOf<LeadListRow>(
    await db.execute(sql`
      select l.id, l.crm, l.object_type as "objectType", l.record_id as "recordId",
        l.data->>'email' as email, l.data->>'emailDomain' as "emailDomain", l.data->>'websiteDomain' as "websiteDomain",
        l.owner_rep_id as "ownerRepId", l.crm_owner_id as "crmOwnerId",
        ${iso(sql`l.created_at`)} as "createdAt",
        to_char(l.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as position,
        a.event_id as "eventId", e.source as "eventSource", ${iso(sql`e.received_at`)} as "receivedAt", ${iso(sql`a.created_at`)} as "routedAt",
        a.outcome, a.pool_id as "poolId", a.rule_id as "ruleId", a.reason_code as "reasonCode"
      from leads l
      left join lateral (
        select event_id, outcome, pool_id, rule_id, reason_code, created_at from assignments
        where lead_id = l.id order by created_at desc, id desc limit 1
      ) a on true
      left join inbound_events e on e.id = a.event_id
      ${condition}
      order by l.created_at desc, l.id desc
      limit ${limit}`),
  );
  return rows;
}
