// SLA timers, the durable half (docs/sync.md "SLA"). The contract:
// - armed in the routing transaction, one row per assignment into a pool with `sla`; a delayed
//   job (the 'sla' queue, payload { slaTimerId }, jobId sla-<timer>-<attempt>) is the fast path,
//   and the sweeper fires pending rows past due from Postgres, so a Redis loss delays a breach by
//   at most a sweep and never loses it;
// - firing takes the routing lock, the lead and the timer row in that order (the routing order),
//   and acts only on a timer still pending and due: two workers, a late job and the sweeper may all
//   fire the same timer and exactly one reassigns;
// - a breach is an inbound event (source 'sla', id `${timerId}:${attempt}`, stored done) that the
//   new assignment and outbox row hang off, so unique(event_id) makes a second reassignment
//   impossible even if everything above failed;
// - a claim (a configured CRM field change, or POST /v1/leads/:id/claim) or any new owner ends it.
import { randomUUID } from 'node:crypto';
import type { InboundEvent } from '../connector.js';
import { handOverWrites, nudge } from './hand-over.js';
import type { SlaTimerJob } from './jobs.js';
import {
  applyStateChange,
  closeLeads,
  closePendingSlaTimers,
  closeSlaTimer,
  getSlaTimer,
  insertAssignments,
  insertInboundEvent,
  insertOutboxRows,
  insertSlaTimers,
  listBreachedRepIds,
  listDueSlaTimers,
  listPendingSlaTimers,
  loadRoutingStateForUpdate,
  lockLead,
  lockLeadsByRecord,
  lockRoutableInboundEvents,
  lockSlaTimer,
  markInboundEventsDone,
  markLeadClaimed,
  recordKeyOf,
  updateLeadOwnership,
  type DbOrTx,
  type InboundEventRow,
  type ArmedTimer,
  type SlaTimerRow,
} from '../db/index.js';
import { errors } from '../errors.js';
import type { CrmName, Lead } from '../lead/index.js';
import { ownerWriteFields } from '../mapping/index.js';
import {
  crmOwnerIdOf,
  decide,
  mergeStateChanges,
  openKey,
  stateKeys,
  type Decision,
  type RoutingConfig,
  type StateChange,
} from '../routing/index.js';
import { counterDeltasForMove, excludeReps, isClaimed, onSlaBreach, slaFor, slaTimerSpec } from '../sync/index.js';
import type { PipelineDeps } from './deps.js';
import type { BatchOutcome } from './group-commit.js';
import { offerQueuedLeads } from './queued-leads.js';
import { routingLockKey } from './routing-lock.js';

export const slaTimerJobId = (t: Pick<SlaTimerRow, 'id' | 'reassignments'>) => `sla-${t.id}-${t.reassignments}`;

export interface PlacedAssignment {
  leadId: string;
  assignmentId: string;
  decision: Decision;
}

/**
 * In a reassigning transaction: ends the leads' earlier pending timers (a new owner) and arms one
 * for each assignment to a rep of a pool with an SLA. Returns the timers to schedule after commit.
 * (A routing batch does the same inside writeRoutingBatch's one statement.)
 */
export async function armSlaTimers(
  tx: DbOrTx,
  config: RoutingConfig,
  placed: PlacedAssignment[],
  now: Date,
  reassignments = 0,
): Promise<SlaTimerRow[]> {
  const assigned = placed.filter((p) => p.decision.kind === 'assigned');
  if (assigned.length === 0) return [];
  await closePendingSlaTimers(tx, [...new Set(assigned.map((p) => p.leadId))], {
    status: 'cancelled',
    reason: 'REASSIGNED',
    at: now,
    exceptAssignmentIds: assigned.map((p) => p.assignmentId),
  });
  const rows = assigned.flatMap(({ leadId, assignmentId, decision }) => {
    const t = slaTimerSpec(config, decision, now);
    return t ? [{ leadId, assignmentId, ...t, reassignments }] : [];
  });
  return insertSlaTimers(tx, rows);
}

/** After commit: the fast path. If Redis is away the sweeper fires the row when due. */
export async function scheduleSlaTimers(deps: PipelineDeps, timers: ArmedTimer[]): Promise<void> {
  for (const t of timers) {
    const delayMs = Math.max(0, t.dueAt.getTime() - deps.now().getTime());
    await nudge(
      deps,
      'sla',
      { v: 1, slaTimerId: t.id } satisfies SlaTimerJob,
      { jobId: slaTimerJobId(t), delayMs },
      { timerId: t.id },
      'SLA job',
    );
  }
}

export type SlaFireResult = 'not_due' | 'not_pending' | 'reassigned' | 'escalated' | 'stopped';

/** Fires one timer if it is still pending and due. Safe to call any number of times, from any process. */
export async function fireSlaTimer(deps: PipelineDeps, timerId: string): Promise<SlaFireResult> {
  const seen = await getSlaTimer(deps.db, timerId);
  if (!seen || seen.status !== 'pending') return 'not_pending';
  const now = deps.now();
  if (seen.dueAt.getTime() > now.getTime()) return 'not_due';
  const { version, doc } = await deps.configs.get();
  const config = doc.routing;

  const done = await deps.db.transaction(async (tx) => {
    const keys = stateKeys(config, now);
    const state = await loadRoutingStateForUpdate(tx, {
      pools: [routingLockKey, ...keys.pools],
      counters: keys.counters,
    });
    const lead = await lockLead(tx, seen.leadId);
    const timer = await lockSlaTimer(tx, timerId);
    if (!lead || !timer || timer.status !== 'pending') return { result: 'not_pending' as const };
    const sla = slaFor(config, timer.poolId);
    if (!sla) {
      await closeSlaTimer(tx, timer.id, { status: 'cancelled', reason: 'NO_SLA', at: now });
      return { result: 'stopped' as const };
    }
    const action = onSlaBreach({
      sla,
      reassignmentsSoFar: timer.reassignments,
      timerRepId: timer.repId,
      currentOwnerRepId: lead.ownerRepId,
      claimed: lead.claimedAt !== null && lead.claimedAt.getTime() >= timer.createdAt.getTime(),
      breachedRepIds: await listBreachedRepIds(tx, lead.id),
    });
    if (action.kind === 'stop') {
      const status =
        action.reason === 'MAX_REASSIGNMENTS' ? 'breached' : action.reason === 'CLAIMED' ? 'claimed' : 'cancelled';
      await closeSlaTimer(tx, timer.id, {
        status,
        reason: action.reason,
        at: now,
        breachAction: status === 'breached' ? 'stop' : undefined,
      });
      return { result: 'stopped' as const, breach: status === 'breached' ? 'stop' : undefined };
    }

    const crm = lead.crm as CrmName;
    let decision: Decision | undefined;
    let escalateTo = action.kind === 'escalate' ? action.managerRepId : undefined;
    if (action.kind === 'reassign') {
      decision = decide(lead.data as Lead, excludeReps(config, action.excludeRepIds), state, now);
      // Nobody in the pool or its overflow can take it: the manager, if there is one, rather than nobody.
      if (decision.kind !== 'assigned' && sla.managerRepId && !action.excludeRepIds.includes(sla.managerRepId))
        escalateTo = sla.managerRepId;
    }
    const attempt = action.kind === 'reassign' ? action.attempt : timer.reassignments + 1;
    const breach = await insertInboundEvent(tx, {
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
    });
    await markInboundEventsDone(tx, [breach.id], now);
    if (breach.duplicate) return { result: 'not_pending' as const };

    let owner:
      | {
          repId: string;
          crmOwnerId: string;
          poolId: string | null;
          ruleId: string | null;
          code: string;
          stateChange: StateChange;
          decision: unknown;
        }
      | undefined;
    if (escalateTo) {
      const manager = config.reps.find((r) => r.id === escalateTo);
      const crmOwnerId = manager && crmOwnerIdOf(manager, crm);
      if (manager && crmOwnerId) {
        const stateChange = {
          cursors: {},
          counterDeltas: counterDeltasForMove({ to: { rep: manager, at: now }, periods: true }),
        };
        owner = {
          repId: manager.id,
          crmOwnerId,
          poolId: timer.poolId,
          ruleId: null,
          code: 'SLA_ESCALATED',
          stateChange,
          decision: { kind: 'escalated', managerRepId: manager.id, breachedRepId: timer.repId, attempt },
        };
      }
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

    const breachAction = escalateTo ? 'escalate' : 'reassign';
    if (!owner) {
      // Recorded as a breach that moved nothing; the lead stays with its rep, who is still on the hook.
      await insertAssignments(tx, [
        {
          eventId: breach.id,
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
      ]);
      await closeSlaTimer(tx, timer.id, { status: 'breached', reason: 'NO_REP_AVAILABLE', at: now, breachAction });
      return { result: 'stopped' as const, breach: breachAction };
    }

    const assignmentId = randomUUID();
    await insertAssignments(tx, [
      {
        id: assignmentId,
        eventId: breach.id,
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
    ]);
    const [outboxId] = await insertOutboxRows(tx, [
      {
        assignmentId,
        leadId: lead.id,
        crm: lead.crm,
        objectType: lead.objectType,
        recordId: lead.recordId,
        ownerId: owner.crmOwnerId,
        extraFields: ownerWriteFields(doc.mappings, lead, `sla: ${breachAction} after ${timer.repId} did not claim`),
      },
    ]);
    // The breached rep gives back the open lead; the day/week charge stays: they were handed it.
    const previous = lead.ownerRepId ? config.reps.find((r) => r.id === lead.ownerRepId) : undefined;
    const giveBack = {
      cursors: {},
      counterDeltas: previous ? counterDeltasForMove({ from: { rep: previous }, periods: false }) : {},
    };
    await applyStateChange(tx, mergeStateChanges([owner.stateChange, giveBack]), now);
    await updateLeadOwnership(
      tx,
      [{ id: lead.id, ownerRepId: owner.repId, crmOwnerId: owner.crmOwnerId, ownerSince: now }],
      now,
    );
    await closeSlaTimer(tx, timer.id, {
      status: 'breached',
      reason: escalateTo ? 'ESCALATED' : 'REASSIGNED',
      at: now,
      breachAction,
      nextRepId: owner.repId,
    });
    const next = escalateTo
      ? []
      : await armSlaTimers(tx, config, [{ leadId: lead.id, assignmentId, decision: decision! }], now, attempt);
    return {
      result: escalateTo ? ('escalated' as const) : ('reassigned' as const),
      breach: breachAction,
      outboxId,
      next,
      from: timer.repId,
      to: owner.repId,
    };
  });

  if ('breach' in done && done.breach) deps.metrics.slaBreaches.inc({ action: done.breach });
  if ('outboxId' in done && done.outboxId) {
    await handOverWrites(deps, [done.outboxId]);
    deps.logger.info(
      { timerId, leadId: seen.leadId, outboxId: done.outboxId, from: done.from, to: done.to, action: done.breach },
      'SLA breached: lead reassigned',
    );
  }
  if ('next' in done && done.next) await scheduleSlaTimers(deps, done.next);
  return done.result;
}

/** The sweeper's half: every pending timer due by `dueBy`, whatever happened to its job. */
export async function fireDueSlaTimers(deps: PipelineDeps, opts: { dueBy: Date; limit: number }): Promise<number> {
  const due = await listDueSlaTimers(deps.db, opts.dueBy, opts.limit);
  let fired = 0;
  for (const t of due) {
    try {
      const r = await fireSlaTimer(deps, t.id);
      if (r !== 'not_pending' && r !== 'not_due') fired++;
    } catch (err) {
      deps.logger.warn(
        { timerId: t.id, err: (err as Error).message },
        'SLA timer not fired; the next sweep tries again',
      );
    }
  }
  return fired;
}

type UpdatedEvent = Extract<InboundEvent, { kind: 'updated' }>;

/**
 * CRM field changes (events of kind 'updated'): a change the pool's sla.claimedWhen names claims
 * the lead, which ends its pending timer. Idempotent like routing: the event rows are locked and
 * re-read, and a timer is claimed once.
 */
export async function claimFromFieldChanges(deps: PipelineDeps, events: InboundEventRow[]): Promise<BatchOutcome> {
  const outcome: BatchOutcome = new Map(events.map((e) => [e.id, undefined]));
  if (events.length === 0) return outcome;
  const { doc } = await deps.configs.get();
  const now = deps.now();
  const freed: Record<string, number> = {};
  await deps.db.transaction(async (tx) => {
    const open = await lockRoutableInboundEvents(
      tx,
      events.map((e) => e.id),
    );
    const todo = events.filter((e) => open.has(e.id));
    if (todo.length === 0) return;
    const leads = new Map(
      (
        await lockLeadsByRecord(
          tx,
          todo.map((e) => ({ crm: e.crm, objectType: e.objectType, recordId: e.recordId })),
        )
      ).map((l) => [recordKeyOf(l), l]),
    );
    const pending = await listPendingSlaTimers(
      tx,
      [...leads.values()].map((l) => l.id),
    );
    const closedWhen = doc.routing.sync?.closedWhen ?? [];
    const toClose: string[] = [];
    for (const ev of todo) {
      const lead = leads.get(recordKeyOf(ev));
      if (!lead) continue;
      const p = ev.payload as Partial<UpdatedEvent>;
      const change = { fields: p.fields ?? {}, changedFields: p.changedFields ?? [] };
      if (closedWhen.length > 0 && isClaimed(change, { claimedWhen: closedWhen })) toClose.push(lead.id);
      const claimedBy = pending
        .filter((t) => t.leadId === lead.id && t.status === 'pending')
        .find((t) => {
          const sla = slaFor(doc.routing, t.poolId);
          return sla !== undefined && isClaimed(change, sla);
        });
      if (!claimedBy) continue;
      const by = `field:${change.changedFields.join(',') || Object.keys(change.fields).join(',')}`;
      const closed = await closePendingSlaTimers(tx, [lead.id], { status: 'claimed', reason: 'CLAIMED', at: now });
      for (const t of closed) t.status = 'claimed';
      for (const t of pending) if (t.leadId === lead.id) t.status = 'claimed';
      await markLeadClaimed(tx, lead.id, now, by);
    }
    // A closed lead no longer counts against its rep's open-lead ceiling (once per lead).
    const closed = await closeLeads(tx, toClose, now);
    for (const c of closed) if (c.ownerRepId) freed[openKey(c.ownerRepId)] = (freed[openKey(c.ownerRepId)] ?? 0) - 1;
    await applyStateChange(tx, { cursors: {}, counterDeltas: freed }, now);
    await markInboundEventsDone(
      tx,
      todo.map((e) => e.id),
      now,
    );
  });
  // Capacity freed: the leads full pools hold get their turn now, not at the next sweep.
  if (Object.keys(freed).length > 0) await offerQueuedLeads(deps);
  return outcome;
}

export interface ClaimResult {
  leadId: string;
  claimedAt: string;
  claimedBy: string;
  /** The SLA timers the claim ended (empty when none was running). */
  timers: Array<{ id: string; repId: string; dueAt: string }>;
}

/** POST /v1/leads/:id/claim: another system says the rep is working the lead. Ends its SLA timer. */
export async function claimLead(deps: PipelineDeps, leadId: string, by: string): Promise<ClaimResult> {
  const now = deps.now();
  return deps.db.transaction(async (tx) => {
    const lead = await lockLead(tx, leadId);
    if (!lead) throw errors.notFound(`lead ${leadId}`);
    const closed = await closePendingSlaTimers(tx, [leadId], { status: 'claimed', reason: 'CLAIMED', at: now });
    await markLeadClaimed(tx, leadId, now, by);
    return {
      leadId,
      claimedAt: now.toISOString(),
      claimedBy: by,
      timers: closed.map((t) => ({ id: t.id, repId: t.repId, dueAt: t.dueAt.toISOString() })),
    };
  });
}
