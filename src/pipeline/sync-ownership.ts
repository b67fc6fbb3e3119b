// Applying CRM owner changes (inbound events of kind 'ownerChanged') to the ledger. The contract:
// - one transaction per batch: the event rows are locked and re-read (a redelivered or retried
//   event finds itself done and changes nothing), then the routing lock row (counters move only
//   under it, as in routing), then the leads of the batch, in id order;
// - fetch, plan, store: this file loads the plan's facts and writes its rows; what to write (the
//   ownership_changes row per event, the confirmed write, the conflict, the adopted owner with its
//   counter moves, or the revert) is planOwnershipSync in src/sync/plan-ownership.ts, pure;
// - our own echo never becomes a conflict (ARCHITECTURE.md invariant 3).
import { handOverNotifications, handOverWrites } from './hand-over.js';
import { toNotificationInsert } from '../sync/notification-rows.js';
import { recordShadowOwnerChanges } from './sync-shadow.js';
import {
  applyStateChange,
  closePendingSlaTimers,
  confirmWrites,
  countReverts,
  insertAssignments,
  insertConflicts,
  insertNotifications,
  insertOutboxRows,
  insertOwnershipChanges,
  latestRoutingAssignments,
  loadLedgerWrites,
  lockLeadsByRecord,
  lockRoutableInboundEvents,
  lockRoutingState,
  markInboundEventsDone,
  readCounters,
  updateLeadOwnership,
  type InboundEventRow,
  type ConfirmedStep,
} from '../db/index.js';
import { noIntegrationIdentity, planOwnershipSync, revertReasonCode } from '../sync/index.js';
import type { PipelineDeps } from './deps.js';
import type { BatchOutcome } from './group-commit.js';
import { routingLockKey } from './routing-lock.js';
import { observeConfirmedSteps } from './write-back.js';
import { timeOrderedUuid } from '../time-ordered-id.js';

export async function syncOwnershipBatch(deps: PipelineDeps, events: InboundEventRow[]): Promise<BatchOutcome> {
  const outcome: BatchOutcome = new Map(events.map((e) => [e.id, undefined]));
  // Leads decided in shadow mode: the CRM's owner is recorded beside ours, never a conflict (sync-shadow.ts).
  events = await recordShadowOwnerChanges(deps, events);
  if (events.length === 0) return outcome;
  const { version, doc } = await deps.configs.get();
  const now = deps.now();
  let confirmed: ConfirmedStep[] = [];
  const done = await deps.db.transaction(async (tx) => {
    // Fetch: the open events, then (counters move only under it) the routing lock, then the ledger.
    const open = await lockRoutableInboundEvents(
      tx,
      events.map((e) => e.id),
    );
    const todo = events.filter((e) => open.has(e.id));
    if (todo.length === 0) return undefined;
    await lockRoutingState(tx, [routingLockKey]);
    const leads = await lockLeadsByRecord(
      tx,
      todo.map((ev) => ({ crm: ev.crm, objectType: ev.objectType, recordId: ev.recordId })),
    );
    const leadIds = leads.map((l) => l.id);
    // One connection per transaction: these run one after the other.
    const writes = await loadLedgerWrites(tx, leadIds);
    const routed = await latestRoutingAssignments(tx, leadIds, revertReasonCode);
    const reverts = await countReverts(tx, leadIds);

    const plan = planOwnershipSync(
      { events: todo, leads, writes, routed, reverts },
      {
        config: doc.routing,
        mappings: doc.mappings,
        version,
        identity: deps.identity ?? noIntegrationIdentity,
        echoWindowSeconds: doc.routing.sync?.echoWindowSeconds,
        notifications: doc.notifications,
      },
      now,
      () => timeOrderedUuid(),
    );

    // Store.
    await insertAssignments(tx, plan.assignments);
    await insertOutboxRows(tx, plan.outbox);
    await insertOwnershipChanges(tx, plan.ownershipChanges);
    await insertConflicts(tx, plan.conflicts);
    confirmed = await confirmWrites(tx, plan.confirmedWriteIds, now);
    await updateLeadOwnership(tx, plan.leadPatches, now);
    await applyStateChange(tx, { cursors: {}, counterDeltas: await clampAtZero(tx, plan.counterDeltas) }, now);
    await closePendingSlaTimers(tx, plan.cancelTimersOf, { status: 'cancelled', reason: 'OWNER_CHANGED', at: now });
    await markInboundEventsDone(tx, plan.doneEventIds, now);
    // A conflict's notifications commit with it (after its revert's assignment, which they name).
    const notes = await insertNotifications(
      tx,
      plan.notifications.map((p) => ({
        ...toNotificationInsert(p),
        leadId: p.leadId,
        assignmentId: p.assignmentId,
        slaTimerId: null,
      })),
    );
    return { plan, notes };
  });
  if (!done) return outcome;
  const { plan, notes } = done;

  await handOverWrites(
    deps,
    plan.outbox.map((o) => o.id!),
    { what: 'revert write-back' },
  );
  await handOverNotifications(deps, notes);
  observeConfirmedSteps(deps, confirmed);
  for (const c of plan.metrics.changes) deps.metrics.ownershipChanges.inc(c);
  for (const c of plan.metrics.conflicts) deps.metrics.conflicts.inc(c);
  return outcome;
}

/** Open loads and caps never go below zero, whatever was moved by hand before this service knew the lead. */
async function clampAtZero(
  tx: Parameters<typeof readCounters>[0],
  deltas: Record<string, number>,
): Promise<Record<string, number>> {
  const negative = Object.keys(deltas).filter((k) => deltas[k]! < 0);
  if (negative.length === 0) return deltas;
  const current = await readCounters(tx, negative);
  const out = { ...deltas };
  for (const k of negative) out[k] = Math.max(out[k]!, -(current[k] ?? 0));
  return out;
}
