// The reads behind GET /v1/reports/* other than speed to lead (report-speed.ts). Each is one
// grouped query over a period, answered from an index on its time column (docs/reports.md).
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Db } from './client.js';
import { readReport, type ReportPeriod } from './report-speed.js';

const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;
const during = (col: SQL, p: ReportPeriod) => sql`${col} >= ${ts(p.from)} and ${col} < ${ts(p.to)}`;

/** Leads assigned per pool and rep in the period (first routing decisions; SLA reassignments are in the sla report). */
export async function countAssignedByPoolAndRep(
  db: Db,
  p: ReportPeriod & { pool?: string | undefined },
): Promise<Array<{ pool: string; rep: string; leads: number }>> {
  return readReport(db, async (tx) =>
    rowsOf<{ pool: string; rep: string; leads: number }>(
      await tx.execute(sql`
        select pool_id as pool, rep_id as rep, count(*)::int as leads from lead_reports
        where ${during(sql`received_at`, p)} and outcome = 'assigned' and pool_id is not null and rep_id is not null
          ${p.pool ? sql`and pool_id = ${p.pool}` : sql``}
        group by 1, 2 order by 1, 2`),
    ).map((r) => ({ ...r, leads: Number(r.leads) })),
  );
}

/** Leads not assigned, by outcome (unassigned, skipped) and reason code. */
export async function countNotAssignedByReason(
  db: Db,
  p: ReportPeriod,
): Promise<Array<{ outcome: string; reason: string; count: number }>> {
  return readReport(db, async (tx) =>
    rowsOf<{ outcome: string; reason: string; count: number }>(
      await tx.execute(sql`
        select outcome, reason_code as reason, count(*)::int as count from lead_reports
        where ${during(sql`received_at`, p)} and outcome <> 'assigned'
        group by 1, 2 order by 3 desc, 1, 2`),
    ).map((r) => ({ ...r, count: Number(r.count) })),
  );
}

/** Leads a full pool holds now (inbound events queued), oldest first; the count is of all of them. */
export async function listWaitingLeads(
  db: Db,
  limit: number,
): Promise<{
  count: number;
  leads: Array<{ eventId: string; leadId: string | null; pool: string | null; since: Date }>;
}> {
  const [c] = rowsOf<{ n: number }>(
    await db.execute(sql`select count(*)::int as n from inbound_events where status = 'queued'`),
  );
  const rows = rowsOf<{ event_id: string; lead_id: string | null; pool: string | null; since: Date | string }>(
    await db.execute(sql`
      select e.id as event_id, l.id as lead_id, e.waiting_pool_id as pool, e.received_at as since
      from inbound_events e
      left join leads l on l.crm = e.crm and l.object_type = e.object_type and l.record_id = e.record_id
      where e.status = 'queued'
      order by e.received_at, e.id limit ${limit}`),
  );
  return {
    count: Number(c?.n ?? 0),
    leads: rows.map((r) => ({ eventId: r.event_id, leadId: r.lead_id, pool: r.pool, since: new Date(r.since) })),
  };
}

export interface SlaRow {
  pool: string;
  action: string | null;
  breaches: number;
  reassignments: number;
}

/** SLA timers that ran out in the period (by when they fired), per pool and breach action. */
export async function countSlaBreaches(db: Db, p: ReportPeriod): Promise<SlaRow[]> {
  return readReport(db, async (tx) =>
    rowsOf<SlaRow>(
      await tx.execute(sql`
        select pool_id as pool, breach_action as action, count(*)::int as breaches,
          count(*) filter (where next_rep_id is not null)::int as reassignments
        from sla_timers where status = 'breached' and ${during(sql`closed_at`, p)}
        group by 1, 2 order by 1, 2`),
    ).map((r) => ({ ...r, breaches: Number(r.breaches), reassignments: Number(r.reassignments) })),
  );
}

/** SLA timers armed in the period (first routing and reassignments alike) and how many the rep claimed in time. */
export async function countSlaTimers(db: Db, p: ReportPeriod): Promise<{ armed: number; claimed: number }> {
  const [r] = rowsOf<{ armed: number; claimed: number }>(
    await db.execute(sql`
      select count(*)::int as armed, count(*) filter (where status = 'claimed')::int as claimed
      from sla_timers where ${during(sql`created_at`, p)}`),
  );
  return { armed: Number(r?.armed ?? 0), claimed: Number(r?.claimed ?? 0) };
}

/** A person's reassignments in the period (conflicts, by when they were recorded), by policy and outcome. */
export async function countConflictsByPolicy(
  db: Db,
  p: ReportPeriod,
): Promise<Array<{ policy: string; outcome: string; count: number }>> {
  return readReport(db, async (tx) =>
    rowsOf<{ policy: string; outcome: string; count: number }>(
      await tx.execute(sql`
        select policy, outcome, count(*)::int as count from conflicts
        where ${during(sql`created_at`, p)}
        group by 1, 2 order by 1, 2`),
    ).map((r) => ({ ...r, count: Number(r.count) })),
  );
}

export interface ShadowTotals {
  decided: number;
  crmAssigned: number;
  agreed: number;
}

export interface ShadowDifference {
  leadId: string;
  recordId: string;
  receivedAt: Date;
  ours: {
    rep: string | null;
    owner: string | null;
    pool: string | null;
    rule: string | null;
    reason: string;
    outcome: string;
  };
  crm: { owner: string; rep: string | null; by: string | null; source: string | null; at: Date };
}

/** Shadow-mode leads of the period: ours beside the owner the CRM's own process set. */
export async function readShadowComparison(
  db: Db,
  p: ReportPeriod & { crm?: string | undefined; limit: number },
): Promise<ShadowTotals & { differences: ShadowDifference[] }> {
  const where = sql`r.mode = 'shadow' and ${during(sql`r.received_at`, p)} ${p.crm ? sql`and r.crm = ${p.crm}` : sql``}`;
  return readReport(db, async (tx) => {
    const [t] = rowsOf<{ decided: number; crm_assigned: number; agreed: number }>(
      await tx.execute(sql`
        select count(*)::int as decided, count(crm_set_owner_id)::int as crm_assigned,
          count(*) filter (where crm_set_owner_id = crm_owner_id)::int as agreed
        from lead_reports r where ${where}`),
    );
    const rows = rowsOf<Record<string, unknown>>(
      await tx.execute(sql`
        select r.lead_id, l.record_id, r.received_at, r.rep_id, r.crm_owner_id, r.pool_id, r.rule_id, r.reason_code, r.outcome,
          r.crm_set_owner_id, r.crm_set_rep_id, r.crm_set_by, r.crm_set_source, r.crm_set_at
        from lead_reports r join leads l on l.id = r.lead_id
        where ${where} and r.crm_set_owner_id is not null and r.crm_set_owner_id is distinct from r.crm_owner_id
        order by r.received_at desc, r.lead_id limit ${p.limit}`),
    );
    const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
    return {
      decided: Number(t?.decided ?? 0),
      crmAssigned: Number(t?.crm_assigned ?? 0),
      agreed: Number(t?.agreed ?? 0),
      differences: rows.map((r) => ({
        leadId: String(r.lead_id),
        recordId: String(r.record_id),
        receivedAt: new Date(r.received_at as string),
        ours: {
          rep: str(r.rep_id),
          owner: str(r.crm_owner_id),
          pool: str(r.pool_id),
          rule: str(r.rule_id),
          reason: String(r.reason_code),
          outcome: String(r.outcome),
        },
        crm: {
          owner: String(r.crm_set_owner_id),
          rep: str(r.crm_set_rep_id),
          by: str(r.crm_set_by),
          source: str(r.crm_set_source),
          at: new Date(r.crm_set_at as string),
        },
      })),
    };
  });
}

/** The API's away/back changes up to the period's end (a small table: one row per change), oldest first. */
export async function listAvailabilityChangesUntil(
  db: Db,
  to: Date,
): Promise<Array<{ repId: string; status: string; awayUntil: Date | null; changedAt: Date }>> {
  const rows = rowsOf<{ rep_id: string; status: string; away_until: string | Date | null; changed_at: string | Date }>(
    await db.execute(sql`
      select rep_id, status, away_until, changed_at from rep_availability_changes
      where changed_at < ${ts(to)} order by rep_id, changed_at, id`),
  );
  return rows.map((r) => ({
    repId: r.rep_id,
    status: r.status,
    awayUntil: r.away_until ? new Date(r.away_until) : null,
    changedAt: new Date(r.changed_at),
  }));
}
