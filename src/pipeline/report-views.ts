// What GET /v1/reports/* answer (docs/reports.md): the db reads shaped for the console, plus the
// parts computed here (fair targets, ages, the agreement rate). Read-only, no locks.
import {
  countAssignedByPoolAndRep,
  countConflictsByPolicy,
  countNotAssignedByReason,
  countSlaBreaches,
  countSlaTimers,
  listAvailabilityChangesUntil,
  listWaitingLeads,
  readShadowComparison,
  readSpeedToLead,
  type ReportPeriod,
  type ShadowDifference,
  type SpeedFilter,
  type SpeedRows,
} from '../db/index.js';
import type { PipelineDeps } from './deps.js';
import { poolTargets, type RepTarget } from './report-targets.js';

const iso = (d: Date) => d.toISOString();
const periodView = (p: ReportPeriod) => ({ from: iso(p.from), to: iso(p.to) });

export interface SpeedToLeadView {
  from: string;
  to: string;
  bucket: 'day' | 'week';
  overall: SpeedRows['overall'];
  stages: SpeedRows['stages'];
  buckets: Array<Omit<SpeedRows['buckets'][number], 'start'> & { start: string }>;
}

export async function speedToLeadReport(deps: PipelineDeps, f: SpeedFilter): Promise<SpeedToLeadView> {
  const r = await readSpeedToLead(deps.db, f);
  return {
    ...periodView(f),
    bucket: f.bucket,
    overall: r.overall,
    stages: r.stages,
    buckets: r.buckets.map((b) => ({ ...b, start: iso(b.start) })),
  };
}

export interface DistributionView {
  from: string;
  to: string;
  pools: Array<{ pool: string; leads: number; reps: RepTarget[] }>;
}

/** Pools of the active config (and any pool that assigned leads in the period but is gone now: its reps get no target). */
export async function distributionReport(
  deps: PipelineDeps,
  p: ReportPeriod & { pool?: string | undefined },
): Promise<DistributionView> {
  const [{ doc }, counts, changes] = await Promise.all([
    deps.configs.get(),
    countAssignedByPoolAndRep(deps.db, p),
    listAvailabilityChangesUntil(deps.db, p.to),
  ]);
  const byPool = new Map<string, Map<string, number>>();
  for (const c of counts) byPool.set(c.pool, (byPool.get(c.pool) ?? new Map()).set(c.rep, c.leads));
  const config = doc.routing;
  const ids = [
    ...config.pools.map((x) => x.id).filter((id) => !p.pool || id === p.pool),
    ...[...byPool.keys()].filter((id) => !config.pools.some((x) => x.id === id)).sort(),
  ];
  return {
    ...periodView(p),
    pools: ids.map((id) => {
      const leads = byPool.get(id) ?? new Map<string, number>();
      const pool = config.pools.find((x) => x.id === id) ?? { id, strategy: 'round_robin' as const, members: [] };
      const reps = poolTargets(config, pool as Parameters<typeof poolTargets>[1], leads, changes, p);
      return { pool: id, leads: reps.reduce((n, r) => n + r.leads, 0), reps };
    }),
  };
}

export interface UnassignedView {
  from: string;
  to: string;
  total: number;
  reasons: Array<{ reason: string; outcome: string; count: number }>;
}

export async function unassignedReport(deps: PipelineDeps, p: ReportPeriod): Promise<UnassignedView> {
  const rows = await countNotAssignedByReason(deps.db, p);
  return { ...periodView(p), total: rows.reduce((n, r) => n + r.count, 0), reasons: rows };
}

export interface WaitingView {
  count: number;
  leads: Array<{ leadId: string | null; eventId: string; pool: string | null; since: string; ageSeconds: number }>;
}

export async function waitingReport(deps: PipelineDeps, limit: number): Promise<WaitingView> {
  const { count, leads } = await listWaitingLeads(deps.db, limit);
  const now = deps.now().getTime();
  return {
    count,
    leads: leads.map((l) => ({
      leadId: l.leadId,
      eventId: l.eventId,
      pool: l.pool,
      since: iso(l.since),
      ageSeconds: Math.max(0, Math.floor((now - l.since.getTime()) / 1000)),
    })),
  };
}

export interface SlaView {
  from: string;
  to: string;
  breaches: number;
  reassignments: number;
  escalations: number;
  stopped: number;
  /** Timers armed in the period (first routing and reassignments), and how many of them the rep claimed in time. */
  armed: number;
  claimedInTime: number;
  byPool: Array<{ pool: string; breaches: number; reassignments: number }>;
}

export async function slaReport(deps: PipelineDeps, p: ReportPeriod): Promise<SlaView> {
  const [rows, timers] = await Promise.all([countSlaBreaches(deps.db, p), countSlaTimers(deps.db, p)]);
  const sum = (f: (r: (typeof rows)[number]) => number) => rows.reduce((n, r) => n + f(r), 0);
  const pools = [...new Set(rows.map((r) => r.pool))].sort();
  return {
    ...periodView(p),
    breaches: sum((r) => r.breaches),
    reassignments: sum((r) => r.reassignments),
    escalations: sum((r) => (r.action === 'escalate' ? r.breaches : 0)),
    stopped: sum((r) => (r.action === 'stop' ? r.breaches : 0)),
    armed: timers.armed,
    claimedInTime: timers.claimed,
    byPool: pools.map((pool) => {
      const of = rows.filter((r) => r.pool === pool);
      return {
        pool,
        breaches: of.reduce((n, r) => n + r.breaches, 0),
        reassignments: of.reduce((n, r) => n + r.reassignments, 0),
      };
    }),
  };
}

export interface ConflictsReportView {
  from: string;
  to: string;
  total: number;
  byPolicy: Array<{ policy: string; outcome: string; count: number }>;
}

export async function conflictsReport(deps: PipelineDeps, p: ReportPeriod): Promise<ConflictsReportView> {
  const rows = await countConflictsByPolicy(deps.db, p);
  return { ...periodView(p), total: rows.reduce((n, r) => n + r.count, 0), byPolicy: rows };
}

export interface ShadowView {
  from: string;
  to: string;
  decided: number;
  crmAssigned: number;
  agreed: number;
  /** agreed / crmAssigned (leads the CRM has not assigned yet cannot agree or differ); null when none. */
  agreementRate: number | null;
  differences: Array<
    Omit<ShadowDifference, 'receivedAt' | 'crm'> & {
      receivedAt: string;
      crm: Omit<ShadowDifference['crm'], 'at'> & { at: string };
    }
  >;
}

export async function shadowReport(
  deps: PipelineDeps,
  p: ReportPeriod & { crm?: string | undefined; limit: number },
): Promise<ShadowView> {
  const r = await readShadowComparison(deps.db, p);
  return {
    ...periodView(p),
    decided: r.decided,
    crmAssigned: r.crmAssigned,
    agreed: r.agreed,
    agreementRate: r.crmAssigned > 0 ? Math.round((r.agreed / r.crmAssigned) * 10_000) / 10_000 : null,
    differences: r.differences.map((d) => ({
      ...d,
      receivedAt: iso(d.receivedAt),
      crm: { ...d.crm, at: iso(d.crm.at) },
    })),
  };
}
