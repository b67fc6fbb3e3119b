// SLA timers, the pure half: which SLA applies, when it runs out, and what a breach does.
// The pipeline owns the durable timer (a Postgres row plus a delayed job); it arms one on
// assignment, cancels it on a claim or any adoption (decideConflict's cancelSlaTimer), and on
// expiry calls onSlaBreach with what it finds then, so a timer firing late, twice, or after a
// claim does nothing harmful.
import { slaDeadline, type Decision, type Rep, type RoutingConfig, type Sla } from '../routing/index.js';

/** The SLA of the pool that routed the lead; undefined = no timer. */
export function slaFor(config: RoutingConfig, poolId: string | null | undefined): Sla | undefined {
  return poolId ? config.pools.find((p) => p.id === poolId)?.sla : undefined;
}

/** When the rep's time to claim runs out (working minutes in their zone when sla.workingHours); `config` supplies the shared schedules and holiday calendars the rep names. */
export function slaDeadlineFor(
  assignedAt: Date,
  sla: Pick<Sla, 'minutes' | 'workingHours'>,
  rep: Rep,
  config?: Pick<RoutingConfig, 'schedules' | 'holidayCalendars'>,
): Date {
  return slaDeadline(assignedAt, sla.minutes, rep, sla.workingHours, config);
}

/** The timer an assignment arms: one per assignment to a rep of a pool with an SLA. */
export function slaTimerSpec(
  config: RoutingConfig,
  d: Decision,
  now: Date,
): { poolId: string; repId: string; dueAt: Date } | undefined {
  if (d.kind !== 'assigned' || d.ownerKind !== 'rep' || !d.poolId) return undefined;
  const sla = slaFor(config, d.poolId);
  const rep = config.reps.find((r) => r.id === d.ownerId);
  if (!sla || !rep) return undefined;
  return { poolId: d.poolId, repId: rep.id, dueAt: slaDeadlineFor(now, sla, rep, config) };
}

export interface SlaBreachContext {
  sla: Pick<Sla, 'maxReassignments' | 'managerRepId'>;
  /** SLA reassignments already made for this lead (breach rows). */
  reassignmentsSoFar: number;
  /** The rep the expiring timer was armed for. */
  timerRepId: string;
  /** The lead's owner now (null: none or not one of our reps). */
  currentOwnerRepId: string | null;
  /** Claimed since the timer was armed (a field change or an explicit claim). */
  claimed: boolean;
  /** Reps whose SLA already ran out on this lead; the reassignment skips them too. */
  breachedRepIds?: readonly string[];
}

export type SlaStopReason = 'CLAIMED' | 'OWNER_CHANGED' | 'ESCALATED' | 'MAX_REASSIGNMENTS';

export type SlaBreachAction =
  /** Route again through the pool (its next rep, then overflow) without the current owner; arm a new timer. */
  | { kind: 'reassign'; attempt: number; excludeRepIds: string[] }
  /** K reassignments used: hand the lead to the pool's manager; no further timer. */
  | { kind: 'escalate'; managerRepId: string }
  | { kind: 'stop'; reason: SlaStopReason };

export function onSlaBreach(ctx: SlaBreachContext): SlaBreachAction {
  if (ctx.claimed) return { kind: 'stop', reason: 'CLAIMED' };
  // Someone else owns it now (a person, or an earlier breach already acted): this timer is stale.
  if (ctx.currentOwnerRepId !== ctx.timerRepId) return { kind: 'stop', reason: 'OWNER_CHANGED' };
  const manager = ctx.sla.managerRepId;
  if (manager !== undefined && ctx.currentOwnerRepId === manager) return { kind: 'stop', reason: 'ESCALATED' };
  if (ctx.reassignmentsSoFar < ctx.sla.maxReassignments) {
    return {
      kind: 'reassign',
      attempt: ctx.reassignmentsSoFar + 1,
      excludeRepIds: [...new Set([...(ctx.breachedRepIds ?? []), ctx.timerRepId])],
    };
  }
  return manager !== undefined
    ? { kind: 'escalate', managerRepId: manager }
    : { kind: 'stop', reason: 'MAX_REASSIGNMENTS' };
}
