// One planner per event: the facts it offers its templates and who hears about it.
import type { Lead } from '../lead/index.js';
import type { Decision } from '../routing/index.js';
import { formatDuration, leadVars, planEvent, recordUrl, type PlanConfig, type PlannedNotification } from './plan.js';

/** "rule emea, pool inbound: ROUND_ROBIN": why this owner, in one line. */
export function whyLine(d: Extract<Decision, { kind: 'assigned' }>): string {
  const detail = d.reasons.find((r) => r.code === d.code && r.detail)?.detail;
  return `rule ${d.ruleId}${d.poolId ? `, pool ${d.poolId}` : ''}: ${d.code}${detail ? ` (${detail})` : ''}`;
}

/** A lead routed to an owner: tell the rep (and the pool's channel, and webhooks). `receivedAt`: when intake stored it, for the speed so far. */
export function planLeadAssigned(
  cfg: PlanConfig,
  a: { eventId: string; lead: Lead; decision: Decision; receivedAt: Date },
  now: Date,
): PlannedNotification[] {
  const d = a.decision;
  if (d.kind !== 'assigned') return [];
  const repId = d.ownerKind === 'rep' ? d.ownerId : undefined;
  const speedMs = now.getTime() - a.receivedAt.getTime();
  return planEvent(
    cfg,
    'leadAssigned',
    a.eventId,
    { repId, poolId: d.poolId },
    {
      ...leadVars(cfg, a.lead, repId),
      why: whyLine(d),
      pool: d.poolId,
      rule: d.ruleId,
      speed: formatDuration(speedMs),
      speedSeconds: Math.round(Math.max(0, speedMs) / 100) / 10,
    },
    { now },
  );
}

/**
 * The warning before an SLA runs out, due `slaWarningMinutes` before `dueAt`. Delivery sends it only
 * while the timer is still pending (a claim or a new owner ends it). None when that moment has
 * passed already, or quiet hours would hold it past the deadline.
 */
export function planSlaWarning(
  cfg: PlanConfig,
  t: { key: string; lead: Lead; repId: string; poolId: string; dueAt: Date },
  now: Date,
): PlannedNotification[] {
  const minutes = cfg.notifications?.slaWarningMinutes;
  if (minutes === undefined) return [];
  const warnAt = new Date(t.dueAt.getTime() - minutes * 60_000);
  if (warnAt <= now) return [];
  return planEvent(
    cfg,
    'slaWarning',
    t.key,
    { repId: t.repId },
    { ...leadVars(cfg, t.lead, t.repId), pool: t.poolId, dueAt: t.dueAt.toISOString(), minutesLeft: minutes },
    { now, at: warnAt },
  ).filter((r) => (r.notBefore ?? now) < t.dueAt);
}

/** An SLA ran out and the lead moved: tell the new owner (and the pool's channel, and webhooks). */
export function planSlaBreach(
  cfg: PlanConfig,
  b: { key: string; lead: Lead; newRepId: string; breachedRepId: string; poolId: string; action: string },
  now: Date,
): PlannedNotification[] {
  const breached = cfg.routing.reps.find((r) => r.id === b.breachedRepId);
  return planEvent(
    cfg,
    'slaBreach',
    b.key,
    { repId: b.newRepId, poolId: b.poolId },
    {
      ...leadVars(cfg, b.lead, b.newRepId),
      pool: b.poolId,
      breachedRepId: b.breachedRepId,
      breachedRepName: breached?.name ?? b.breachedRepId,
      action: b.action,
    },
    { now },
  );
}

/** A person changed an owner routing set, and the policy's verdict: operations hear about it. */
export function planConflict(
  cfg: PlanConfig,
  c: {
    key: string;
    lead: Lead;
    routerRepId: string | null;
    crmOwnerId: string | null;
    changedBy: string | null;
    policy: string;
    outcome: string;
  },
  now: Date,
): PlannedNotification[] {
  return planEvent(
    cfg,
    'conflict',
    c.key,
    { ops: true },
    {
      ...leadVars(cfg, c.lead, c.routerRepId ?? undefined),
      routerRepId: c.routerRepId ?? 'nobody',
      crmOwnerId: c.crmOwnerId ?? 'nobody',
      changedBy: c.changedBy ?? 'someone',
      policy: c.policy,
      outcome: c.outcome,
    },
    { now },
  );
}

/** A route or owner write given up: operations hear about it (a dead notification does not notify: no loops). */
export function planDeadLetter(
  cfg: PlanConfig,
  d: { kind: string; id: string; code: string; error: string; crm?: string; record?: Lead['source'] },
  now: Date,
): PlannedNotification[] {
  const rec = d.record;
  return planEvent(
    cfg,
    'deadLetter',
    // A row replayed and given up again is a new dead letter: it is told again.
    `${d.kind}:${d.id}:${now.toISOString()}`,
    { ops: true },
    {
      kind: d.kind,
      id: d.id,
      code: d.code,
      error: d.error,
      crm: rec?.crm ?? d.crm,
      objectType: rec?.objectType,
      recordId: rec?.id,
      recordUrl: rec && recordUrl(cfg.notifications, rec),
    },
    { now },
  );
}

/**
 * An assignment's notifications: the assignment itself and, when it arms an SLA timer due at
 * `slaDueAt`, the warning before it (stored with that timer, and sent only while it still runs).
 */
export function planAssignmentNotifications(
  cfg: PlanConfig,
  a: { eventId: string; lead: Lead; decision: Decision; receivedAt: Date; slaDueAt?: Date | undefined },
  now: Date,
): PlannedNotification[] {
  const d = a.decision;
  if (!cfg.notifications || d.kind !== 'assigned') return [];
  return [
    ...planLeadAssigned(cfg, a, now),
    ...(a.slaDueAt && d.ownerKind === 'rep' && d.poolId
      ? planSlaWarning(
          cfg,
          { key: a.eventId, lead: a.lead, repId: d.ownerId, poolId: d.poolId, dueAt: a.slaDueAt },
          now,
        )
      : []),
  ];
}

/**
 * An SLA breach that moved the lead: the new owner hears why, and, when a new timer was armed
 * (`nextTimer`), is warned before it runs out too. `key` names the breach (its event's source id).
 */
export function planBreachNotifications(
  cfg: PlanConfig,
  b: {
    key: string;
    lead: Lead;
    newRepId: string;
    breachedRepId: string;
    poolId: string;
    action: string;
    nextTimer?: { id: string; dueAt: Date } | undefined;
  },
  now: Date,
): Array<PlannedNotification & { slaTimerId: string | null }> {
  if (!cfg.notifications) return [];
  const t = b.nextTimer;
  return [
    ...planSlaBreach(cfg, b, now).map((p) => ({ ...p, slaTimerId: null })),
    ...(t
      ? planSlaWarning(cfg, { key: b.key, lead: b.lead, repId: b.newRepId, poolId: b.poolId, dueAt: t.dueAt }, now).map(
          (p) => ({ ...p, slaTimerId: t.id }),
        )
      : []),
  ];
}
