// Firing an SLA timer as a plan: what a due timer's breach writes, from the timer, its lead, the
// reps who already breached it and the routing state read under the routing lock; no I/O, no clock
// (`now` is passed in), ids from `newId`. src/pipeline/sla-timers.ts `fireSlaTimer` loads, calls
// this, and stores. The contract (docs/sync.md "SLA"):
// - a claimed lead, a lead someone else owns now, or the last allowed reassignment: the timer
//   closes and nothing else moves;
// - otherwise a breach is an inbound event (source 'sla', id `${timerId}:${attempt}`) the new
//   assignment hangs off, so unique(event_id) allows one reassignment however often it fires;
// - reassigned (decide, without the reps who breached it) or escalated to the pool's manager: an
//   assignment, an outbox row, the counters (the breached rep gives back the open lead, keeps the
//   day/week charge), the lead's owner, and for a reassignment the next timer;
// - nobody can take it: an `unassigned` assignment and the timer breached; the lead stays put.
import type {
  LeadOwnershipPatch,
  LeadRowForSync,
  NewAssignment,
  NewInboundEvent,
  NewOutboxRow,
  NewSlaTimer,
  SlaTimerRow,
} from '../db/index.js';
import type { CrmName, Lead } from '../lead/index.js';
import { ownerWriteFields, type MappingSet } from '../mapping/index.js';
import {
  crmOwnerIdOf,
  decide,
  mergeStateChanges,
  type DecideOptions,
  type Decision,
  type RoutingConfig,
  type RoutingState,
  type StateChange,
} from '../routing/index.js';
import { counterDeltasForMove } from './counter-moves.js';
import { excludeReps } from './reassign.js';
import { onSlaBreach, slaFor, slaTimerSpec } from './sla.js';
import { planBreachNotifications, type NotificationsConfig, type PlannedNotification } from '../notify/index.js';

export interface SlaFireFacts {
  /** Pending and due, locked. */
  timer: SlaTimerRow;
  lead: LeadRowForSync;
  /** Reps who already breached an SLA of this lead. */
  breachedRepIds: string[];
  state: RoutingState;
  /** The lead's CRM account and existing records (the pipeline's lookup), for a reassignment's decide. */
  accounts?: Pick<DecideOptions, 'account' | 'existingRecords'>;
}

export interface SlaFireSettings {
  config: RoutingConfig;
  mappings: MappingSet;
  version: number;
  /** Who hears about the breach (docs/notifications.md); absent: nobody. */
  notifications?: NotificationsConfig | undefined;
}

export interface TimerClose {
  status: 'breached' | 'cancelled' | 'claimed';
  reason: string;
  breachAction?: string;
  nextRepId?: string;
}

export type SlaFireResult = 'not_due' | 'not_pending' | 'reassigned' | 'escalated' | 'stopped';

/** Rows per table; `event` first: the assignment's eventId is the id the store gets for it. */
export type SlaFirePlan =
  | { kind: 'close'; result: 'stopped'; close: TimerClose; breach?: 'stop' }
  | {
      kind: 'breach';
      result: 'stopped' | 'reassigned' | 'escalated';
      breach: 'reassign' | 'escalate';
      event: NewInboundEvent;
      assignment: Omit<NewAssignment, 'eventId'>;
      outbox: NewOutboxRow[];
      stateChange: StateChange;
      leadPatches: LeadOwnershipPatch[];
      close: TimerClose;
      /** A reassignment: the lead's other pending timers end, all but this assignment's. */
      endPendingTimersExcept?: string;
      /** The next timer (a reassignment into a pool with an SLA). */
      timers: NewSlaTimer[];
      /** The new owner told (and warned before the next timer runs out), with the assignment's and timer's ids. */
      notifications: Array<PlannedNotification & { leadId: string; assignmentId: string; slaTimerId: string | null }>;
      from?: string;
      to?: string;
    };

interface NewOwner {
  repId: string;
  crmOwnerId: string;
  poolId: string | null;
  ruleId: string | null;
  code: string;
  stateChange: StateChange;
  decision: unknown;
}

/** Plans one due, pending timer's breach. Pure: the same facts, settings, `now` and ids give the same plan. */
export function planSlaFire(
  facts: SlaFireFacts,
  settings: SlaFireSettings,
  now: Date,
  newId: () => string,
): SlaFirePlan {
  const { timer, lead } = facts;
  const { config, version } = settings;
  const sla = slaFor(config, timer.poolId);
  if (!sla) return { kind: 'close', result: 'stopped', close: { status: 'cancelled', reason: 'NO_SLA' } };
  const action = onSlaBreach({
    sla,
    reassignmentsSoFar: timer.reassignments,
    timerRepId: timer.repId,
    currentOwnerRepId: lead.ownerRepId,
    claimed: lead.claimedAt !== null && lead.claimedAt.getTime() >= timer.createdAt.getTime(),
    breachedRepIds: facts.breachedRepIds,
  });
  if (action.kind === 'stop') {
    const status =
      action.reason === 'MAX_REASSIGNMENTS' ? 'breached' : action.reason === 'CLAIMED' ? 'claimed' : 'cancelled';
    return status === 'breached'
      ? {
          kind: 'close',
          result: 'stopped',
          close: { status, reason: action.reason, breachAction: 'stop' },
          breach: 'stop',
        }
      : { kind: 'close', result: 'stopped', close: { status, reason: action.reason } };
  }

  const crm = lead.crm as CrmName;
  let decision: Decision | undefined;
  let escalateTo = action.kind === 'escalate' ? action.managerRepId : undefined;
  if (action.kind === 'reassign') {
    decision = decide(lead.data as Lead, excludeReps(config, action.excludeRepIds), facts.state, now, facts.accounts);
    // Nobody in the pool or its overflow can take it: the manager, if there is one, rather than nobody.
    if (decision.kind !== 'assigned' && sla.managerRepId && !action.excludeRepIds.includes(sla.managerRepId))
      escalateTo = sla.managerRepId;
  }
  const attempt = action.kind === 'reassign' ? action.attempt : timer.reassignments + 1;
  const event: NewInboundEvent = {
    source: 'sla',
    sourceEventId: `${timer.id}:${attempt}`,
    kind: 'slaBreach',
    crm: lead.crm,
    objectType: lead.objectType,
    recordId: lead.recordId,
    payload: {
      timerId: timer.id,
      leadId: lead.id,
      breachedRepId: timer.repId,
      action,
      dueAt: timer.dueAt.toISOString(),
      firedAt: now.toISOString(),
    },
  };

  let owner: NewOwner | undefined;
  if (escalateTo) {
    const manager = config.reps.find((r) => r.id === escalateTo);
    const crmOwnerId = manager && crmOwnerIdOf(manager, crm);
    if (manager && crmOwnerId)
      owner = {
        repId: manager.id,
        crmOwnerId,
        poolId: timer.poolId,
        ruleId: null,
        code: 'SLA_ESCALATED',
        stateChange: {
          cursors: {},
          counterDeltas: counterDeltasForMove({ to: { rep: manager, at: now }, periods: true }),
        },
        decision: { kind: 'escalated', managerRepId: manager.id, breachedRepId: timer.repId, attempt },
      };
  } else if (decision?.kind === 'assigned' && decision.ownerKind === 'rep') {
    owner = {
      repId: decision.ownerId,
      crmOwnerId: decision.crmOwnerId,
      poolId: decision.poolId ?? timer.poolId,
      ruleId: decision.ruleId ?? null,
      code: decision.code,
      stateChange: decision.stateChange,
      decision: { ...decision, sla: { timerId: timer.id, breachedRepId: timer.repId, attempt } },
    };
  }

  const breach = escalateTo ? 'escalate' : 'reassign';
  if (!owner)
    // Recorded as a breach that moved nothing; the lead stays with its rep, who is still on the hook.
    return {
      kind: 'breach',
      result: 'stopped',
      breach,
      event,
      assignment: {
        leadId: lead.id,
        outcome: 'unassigned',
        repId: null,
        crmOwnerId: null,
        poolId: timer.poolId,
        ruleId: null,
        reasonCode: decision?.code ?? 'NO_CRM_OWNER',
        decision: decision ?? { kind: 'unassigned', code: 'NO_CRM_OWNER' },
        configVersion: version,
      },
      outbox: [],
      stateChange: { cursors: {}, counterDeltas: {} },
      leadPatches: [],
      close: { status: 'breached', reason: 'NO_REP_AVAILABLE', breachAction: breach },
      timers: [],
      notifications: [],
    };

  const assignmentId = newId();
  const outboxId = newId();
  // The breached rep gives back the open lead; the day/week charge stays: they were handed it.
  const previous = lead.ownerRepId ? config.reps.find((r) => r.id === lead.ownerRepId) : undefined;
  const giveBack = {
    cursors: {},
    counterDeltas: previous ? counterDeltasForMove({ from: { rep: previous }, periods: false }) : {},
  };
  const spec = !escalateTo && decision ? slaTimerSpec(config, decision, now) : undefined;
  const next = spec && { id: newId(), ...spec };
  const notifications = planBreachNotifications(
    { routing: config, notifications: settings.notifications },
    {
      key: event.sourceEventId,
      lead: lead.data as Lead,
      newRepId: owner.repId,
      breachedRepId: timer.repId,
      poolId: timer.poolId,
      action: breach,
      nextTimer: next,
    },
    now,
  ).map((p) => ({ ...p, leadId: lead.id, assignmentId }));
  return {
    kind: 'breach',
    result: escalateTo ? 'escalated' : 'reassigned',
    breach,
    event,
    assignment: {
      id: assignmentId,
      leadId: lead.id,
      outcome: 'assigned',
      repId: owner.repId,
      crmOwnerId: owner.crmOwnerId,
      poolId: owner.poolId,
      ruleId: owner.ruleId,
      reasonCode: owner.code,
      decision: owner.decision,
      configVersion: version,
    },
    outbox: [
      {
        id: outboxId,
        assignmentId,
        leadId: lead.id,
        crm: lead.crm,
        objectType: lead.objectType,
        recordId: lead.recordId,
        ownerId: owner.crmOwnerId,
        extraFields: ownerWriteFields(settings.mappings, lead, `sla: ${breach} after ${timer.repId} did not claim`),
      },
    ],
    stateChange: mergeStateChanges([owner.stateChange, giveBack]),
    leadPatches: [{ id: lead.id, ownerRepId: owner.repId, crmOwnerId: owner.crmOwnerId, ownerSince: now }],
    close: {
      status: 'breached',
      reason: escalateTo ? 'ESCALATED' : 'REASSIGNED',
      breachAction: breach,
      nextRepId: owner.repId,
    },
    ...(!escalateTo && { endPendingTimersExcept: assignmentId }),
    timers: next ? [{ leadId: lead.id, assignmentId, ...next, reassignments: attempt }] : [],
    notifications,
    from: timer.repId,
    to: owner.repId,
  };
}
