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
// Firing is fetch, plan, store: what a breach writes is planSlaFire (src/sync/plan-sla-fire.ts), pure.
import type { InboundEvent } from '../connector.js';
import { handOverNotifications, handOverWrites, nudge } from './hand-over.js';
import { toNotificationInsert } from '../sync/notification-rows.js';
import type { SlaTimerJob } from './jobs.js';
import {
  applyStateChange,
  closeLeads,
  closePendingSlaTimers,
  closeSlaTimer,
  getSlaTimer,
  insertAssignments,
  insertInboundEvent,
  insertNotifications,
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
  type InboundEventRow,
  type ArmedTimer,
  type SlaTimerRow,
  type DueNotification,
} from '../db/index.js';
import { errors } from '../errors.js';
import { openKey, stateKeys } from '../routing/index.js';
import { isClaimed, planSlaFire, slaFor, type SlaFirePlan, type SlaFireResult } from '../sync/index.js';
import type { PipelineDeps } from './deps.js';
import type { Lead } from '../lead/index.js';
import { accountOptions } from './account-lookup.js';
import type { BatchOutcome } from './group-commit.js';
import { offerQueuedLeads } from './queued-leads.js';
import { routingLockKey } from './routing-lock.js';
import { timeOrderedUuid } from '../time-ordered-id.js';

export type { SlaFireResult };

export const slaTimerJobId = (t: Pick<SlaTimerRow, 'id' | 'reassignments'>) => `sla-${t.id}-${t.reassignments}`;

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

/** Fires one timer if it is still pending and due. Safe to call any number of times, from any process. */
export async function fireSlaTimer(deps: PipelineDeps, timerId: string): Promise<SlaFireResult> {
  const seen = await getSlaTimer(deps.db, timerId);
  if (!seen || seen.status !== 'pending') return 'not_pending';
  const now = deps.now();
  if (seen.dueAt.getTime() > now.getTime()) return 'not_due';
  const { version, doc } = await deps.configs.get();
  const config = doc.routing;

  const done = await deps.db.transaction(
    async (tx): Promise<{ plan: SlaFirePlan; armed: SlaTimerRow[]; notes: DueNotification[] } | undefined> => {
      // Fetch, in the routing order: the routing lock and state, the lead, the timer.
      const keys = stateKeys(config, now);
      const state = await loadRoutingStateForUpdate(tx, {
        pools: [routingLockKey, ...keys.pools],
        counters: keys.counters,
      });
      const lead = await lockLead(tx, seen.leadId);
      const timer = await lockSlaTimer(tx, timerId);
      if (!lead || !timer || timer.status !== 'pending') return undefined;
      const breachedRepIds = await listBreachedRepIds(tx, lead.id);
      const plan = planSlaFire(
        { timer, lead, breachedRepIds, state, accounts: accountOptions(deps.accounts, lead.data as Lead, config) },
        { config, mappings: doc.mappings, version, notifications: doc.notifications },
        now,
        () => timeOrderedUuid(),
      );

      // Store.
      if (plan.kind === 'close') {
        await closeSlaTimer(tx, timer.id, { ...plan.close, at: now });
        return { plan, armed: [], notes: [] };
      }
      const breach = await insertInboundEvent(tx, plan.event);
      await markInboundEventsDone(tx, [breach.id], now);
      if (breach.duplicate) return undefined;
      await insertAssignments(tx, [{ ...plan.assignment, eventId: breach.id }]);
      await insertOutboxRows(tx, plan.outbox);
      await applyStateChange(tx, plan.stateChange, now);
      await updateLeadOwnership(tx, plan.leadPatches, now);
      await closeSlaTimer(tx, timer.id, { ...plan.close, at: now });
      if (plan.endPendingTimersExcept)
        await closePendingSlaTimers(tx, [lead.id], {
          status: 'cancelled',
          reason: 'REASSIGNED',
          at: now,
          exceptAssignmentIds: [plan.endPendingTimersExcept],
        });
      const armed = await insertSlaTimers(tx, plan.timers);
      const notes = await insertNotifications(
        tx,
        plan.notifications.map((p) => ({
          ...toNotificationInsert(p),
          leadId: p.leadId,
          assignmentId: p.assignmentId,
          slaTimerId: p.slaTimerId,
        })),
      );
      return { plan, armed, notes };
    },
  );
  if (!done) return 'not_pending';
  const { plan, armed, notes } = done;

  if (plan.breach) deps.metrics.slaBreaches.inc({ action: plan.breach });
  if (plan.kind === 'breach' && plan.outbox.length > 0) {
    const outboxIds = plan.outbox.map((o) => o.id!);
    await handOverWrites(deps, outboxIds);
    deps.logger.info(
      { timerId, leadId: seen.leadId, outboxId: outboxIds[0], from: plan.from, to: plan.to, action: plan.breach },
      'SLA breached: lead reassigned',
    );
  }
  await scheduleSlaTimers(deps, armed);
  await handOverNotifications(deps, notes);
  return plan.result;
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
