// Applying CRM owner changes (inbound events of kind 'ownerChanged') to the ledger. The contract:
// - one transaction per batch: the event rows are locked and re-read (a redelivered or retried
//   event finds itself done and changes nothing), then the routing lock row (counters move only
//   under it, as in routing), then the leads of the batch, in id order;
// - classification and policy are the pure sync/ functions; this file only loads their inputs
//   and persists their answers: the ownership_changes row (one per event), the confirmed write,
//   the conflict row, the adopted owner with its counter moves, or the revert (an assignment and
//   an outbox row per triggering event, so unique(event_id) keeps it to one);
// - our own echo never becomes a conflict (ARCHITECTURE.md invariant 3).
// Events of one batch are applied oldest occurredAt first, against the ledger as the previous
// events of the batch left it, so a batch gives the same result as one event at a time.
import { randomUUID } from 'node:crypto';
import type { InboundEvent } from '../connector.js';
import { handOverWrites } from './hand-over.js';
import {
  applyStateChange,
  closePendingSlaTimers,
  confirmWrites,
  countReverts,
  insertAssignments,
  insertConflicts,
  insertOutboxRows,
  insertOwnershipChanges,
  latestRoutingAssignments,
  loadLedgerWrites,
  lockLeadsByRecord,
  lockRoutableInboundEvents,
  lockRoutingState,
  markInboundEventsDone,
  readCounters,
  recordKeyOf,
  revertReasonCode,
  updateLeadOwnership,
  type InboundEventRow,
  type LeadOwnershipPatch,
  type LeadRowForSync,
  type LedgerWriteRow,
  type NewAssignment,
  type NewConflict,
  type NewOutboxRow,
  type NewOwnershipChange,
} from '../db/index.js';
import type { CrmName } from '../lead/index.js';
import { ownerWriteFields, type MappingSet } from '../mapping/index.js';
import {
  classifyOwnershipChange,
  counterDeltasForMove,
  decideConflict,
  findRepByCrmId,
  resolveConflictPolicy,
  resolveOwner,
  type Classification,
  type IntegrationIdentity,
  type LedgerWrite,
  type OwnershipChange,
  noIntegrationIdentity,
} from '../sync/index.js';
import type { RoutingConfig } from '../routing/index.js';
import type { PipelineDeps } from './deps.js';
import type { BatchOutcome } from './group-commit.js';
import { routingLockKey } from './routing-lock.js';

type OwnerChangedEvent = Extract<InboundEvent, { kind: 'ownerChanged' }>;

interface Applied {
  outboxIds: string[];
  counts: Array<{ crm: string; classification: string }>;
  conflicts: Array<{ policy: string; outcome: string }>;
}

function toChange(ev: InboundEventRow): OwnershipChange {
  const p = ev.payload as Partial<OwnerChangedEvent>;
  const occurredAt =
    typeof p.occurredAt === 'string' && !Number.isNaN(Date.parse(p.occurredAt))
      ? p.occurredAt
      : ev.receivedAt.toISOString();
  return {
    record: { crm: ev.crm as CrmName, objectType: ev.objectType, id: ev.recordId },
    newOwnerId: p.newOwnerId ?? null,
    ...(p.changedBy !== undefined && { changedBy: p.changedBy }),
    ...(p.changeSource !== undefined && { changeSource: p.changeSource }),
    ...(p.sourceId !== undefined && { sourceId: p.sourceId }),
    ...(p.transactionKey !== undefined && { transactionKey: p.transactionKey }),
    occurredAt,
  };
}

function toLedgerWrite(w: LedgerWriteRow): LedgerWrite {
  return {
    writeId: w.id,
    ownerId: w.ownerId,
    writtenAt: w.doneAt ?? w.createdAt,
    status: w.status as LedgerWrite['status'],
    confirmedAt: w.confirmedAt,
  };
}

const later = (a: Date | null, b: Date) => (a && a.getTime() > b.getTime() ? a : b);

export async function syncOwnershipBatch(deps: PipelineDeps, events: InboundEventRow[]): Promise<BatchOutcome> {
  const outcome: BatchOutcome = new Map(events.map((e) => [e.id, undefined]));
  if (events.length === 0) return outcome;
  const { version, doc } = await deps.configs.get();
  const now = deps.now();
  const applied = await deps.db.transaction(async (tx): Promise<Applied> => {
    const open = await lockRoutableInboundEvents(
      tx,
      events.map((e) => e.id),
    );
    const todo = events
      .filter((e) => open.has(e.id))
      .map((ev) => ({ ev, change: toChange(ev) }))
      .sort(
        (a, b) =>
          Date.parse(a.change.occurredAt) - Date.parse(b.change.occurredAt) ||
          a.ev.receivedAt.getTime() - b.ev.receivedAt.getTime(),
      );
    if (todo.length === 0) return { outboxIds: [], counts: [], conflicts: [] };
    // Counters move only under the routing lock; the ones this reads (clampAtZero) are read after it.
    await lockRoutingState(tx, [routingLockKey]);
    const leadRows = await lockLeadsByRecord(
      tx,
      todo.map(({ ev }) => ({ crm: ev.crm, objectType: ev.objectType, recordId: ev.recordId })),
    );
    const leadIds = leadRows.map((l) => l.id);
    // One connection per transaction: these run one after the other.
    const writes = await loadLedgerWrites(tx, leadIds);
    const routed = await latestRoutingAssignments(tx, leadIds);
    const reverts = await countReverts(tx, leadIds);
    const ctx: BatchContext = {
      config: doc.routing,
      mappings: doc.mappings,
      version,
      now,
      identity: deps.identity ?? noIntegrationIdentity,
      echoWindowSeconds: doc.routing.sync?.echoWindowSeconds,
      leads: new Map(leadRows.map((l) => [recordKeyOf(l), { ...l }])),
      writes,
      routed,
      reverts,
      out: {
        changes: [],
        confirmed: [],
        assignments: [],
        outbox: [],
        conflicts: [],
        deltas: {},
        touched: new Set(),
        cancelTimers: new Set(),
        applied: { outboxIds: [], counts: [], conflicts: [] },
      },
    };
    for (const { ev, change } of todo) applyOne(ctx, ev, change);
    const o = ctx.out;

    await insertAssignments(tx, o.assignments);
    await insertOutboxRows(tx, o.outbox);
    await insertOwnershipChanges(tx, o.changes);
    await insertConflicts(tx, o.conflicts);
    await confirmWrites(tx, o.confirmed, now);
    const patches: LeadOwnershipPatch[] = [...o.touched].map((id) => {
      const l = [...ctx.leads.values()].find((x) => x.id === id)!;
      return {
        id,
        ownerRepId: l.ownerRepId,
        crmOwnerId: l.crmOwnerId,
        ownerSince: l.ownerSince,
        lastOwnerChangeAt: l.lastOwnerChangeAt,
      };
    });
    await updateLeadOwnership(tx, patches, now);
    await applyStateChange(tx, { cursors: {}, counterDeltas: await clampAtZero(tx, o.deltas) }, now);
    await closePendingSlaTimers(tx, [...o.cancelTimers], { status: 'cancelled', reason: 'OWNER_CHANGED', at: now });
    await markInboundEventsDone(
      tx,
      todo.map(({ ev }) => ev.id),
      now,
    );
    return o.applied;
  });

  await handOverWrites(deps, applied.outboxIds, { what: 'revert write-back' });
  for (const c of applied.counts) deps.metrics.ownershipChanges.inc(c);
  for (const c of applied.conflicts) deps.metrics.conflicts.inc(c);
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

interface BatchContext {
  config: RoutingConfig;
  /** Which field, if any, carries the reason of a revert (the mapping's reasonField). */
  mappings: MappingSet;
  version: number;
  now: Date;
  identity: IntegrationIdentity;
  echoWindowSeconds: number | undefined;
  /** The batch's leads by record key, updated in memory as events apply. */
  leads: Map<string, LeadRowForSync>;
  writes: Map<string, LedgerWriteRow[]>;
  routed: Awaited<ReturnType<typeof latestRoutingAssignments>>;
  reverts: Map<string, number>;
  out: {
    changes: NewOwnershipChange[];
    confirmed: string[];
    assignments: NewAssignment[];
    outbox: NewOutboxRow[];
    conflicts: NewConflict[];
    deltas: Record<string, number>;
    touched: Set<string>;
    cancelTimers: Set<string>;
    applied: Applied;
  };
}

function addDeltas(into: Record<string, number>, deltas: Record<string, number>): void {
  for (const [k, d] of Object.entries(deltas)) into[k] = (into[k] ?? 0) + d;
}

function applyOne(ctx: BatchContext, ev: InboundEventRow, change: OwnershipChange): void {
  const o = ctx.out;
  const lead = ctx.leads.get(recordKeyOf(ev));
  const crm = ev.crm as CrmName;
  const at = new Date(change.occurredAt);
  const writes = lead ? (ctx.writes.get(lead.id) ?? []) : [];
  const classification: Classification = classifyOwnershipChange(
    change,
    {
      writes: writes.map(toLedgerWrite),
      currentOwnerId: lead ? lead.crmOwnerId : undefined,
      lastAppliedAt: lead?.lastOwnerChangeAt ?? null,
      identity: ctx.identity,
    },
    { echoWindowSeconds: ctx.echoWindowSeconds },
  );
  const kind = !lead && classification.kind !== 'echo' ? 'unknown_record' : classification.kind;
  o.changes.push({
    eventId: ev.id,
    leadId: lead?.id ?? null,
    crm: ev.crm,
    objectType: ev.objectType,
    recordId: ev.recordId,
    newOwnerId: change.newOwnerId,
    previousOwnerId: lead?.crmOwnerId ?? null,
    changedBy: change.changedBy ?? null,
    changeSource: change.changeSource ?? null,
    classification: kind,
    matchedBy: classification.kind === 'echo' ? classification.matchedBy : null,
    matchedWriteId: classification.kind === 'echo' ? classification.writeId : null,
    occurredAt: at,
  });
  o.applied.counts.push({ crm: ev.crm, classification: kind });
  if (!lead || kind === 'stale') return;

  const touch = (patch: Partial<LeadRowForSync>) => {
    Object.assign(lead, patch);
    lead.lastOwnerChangeAt = later(lead.lastOwnerChangeAt, at);
    o.touched.add(lead.id);
  };

  if (classification.kind === 'echo') {
    if (classification.writeId) {
      o.confirmed.push(classification.writeId);
      const w = writes.find((x) => x.id === classification.writeId);
      if (w) w.confirmedAt = ctx.now;
      touch({});
    } else if (change.newOwnerId !== lead.crmOwnerId) {
      // Ours by origin but no write of ours has this owner (CRM automation inside our own call):
      // the CRM's owner is the fact; counters follow it as under crm_wins, but it is no conflict.
      const d = decideConflict({ policy: 'crm_wins' }, conflictContext(ctx, lead, crm, change, at));
      if (d.action === 'adopt') {
        addDeltas(o.deltas, d.counterDeltas);
        o.cancelTimers.add(lead.id);
        touch({ ownerRepId: d.owner.repId, crmOwnerId: change.newOwnerId, ownerSince: at });
      }
    } else touch({});
    return;
  }
  if (classification.kind === 'noop') return touch({});
  if (classification.kind !== 'manual') return;

  const routedBy = ctx.routed.get(lead.id);
  const policy = resolveConflictPolicy(ctx.config, {
    ruleId: routedBy?.ruleId ?? null,
    poolId: routedBy?.poolId ?? null,
  });
  const cctx = conflictContext(ctx, lead, crm, change, at);
  const d = decideConflict(policy.policy, cctx);
  const base: NewConflict = {
    eventId: ev.id,
    leadId: lead.id,
    crm: ev.crm,
    objectType: ev.objectType,
    recordId: ev.recordId,
    routerOwnerId: cctx.routerOwnerId,
    routerRepId: findRepByCrmId(ctx.config, crm, cctx.routerOwnerId)?.id ?? null,
    crmOwnerId: change.newOwnerId,
    crmRepId: resolveOwner(ctx.config, crm, change.newOwnerId).repId,
    previousOwnerId: lead.crmOwnerId,
    changedBy: classification.by,
    changeSource: classification.source,
    policy: policy.policy.policy,
    policyFrom: policy.from,
    outcome: d.outcome,
    attempt: null,
    revertWriteId: null,
    reason: d.reason,
    occurredAt: at,
  };
  o.applied.conflicts.push({ policy: base.policy, outcome: d.outcome });

  if (d.action === 'adopt') {
    addDeltas(o.deltas, d.counterDeltas);
    o.cancelTimers.add(lead.id);
    o.conflicts.push(base);
    touch({ ownerRepId: d.owner.repId, crmOwnerId: change.newOwnerId, ownerSince: at });
    return;
  }

  // router_wins: our owner goes back through the outbox, as a write of its own (an assignment per
  // triggering event, so unique(event_id) makes a redelivery unable to revert twice).
  const assignmentId = randomUUID();
  const outboxId = randomUUID();
  o.assignments.push({
    id: assignmentId,
    eventId: ev.id,
    leadId: lead.id,
    outcome: 'assigned',
    repId: d.repId,
    crmOwnerId: d.ownerId,
    poolId: routedBy?.poolId ?? null,
    ruleId: routedBy?.ruleId ?? null,
    reasonCode: revertReasonCode,
    decision: {
      kind: 'revert',
      policy: policy.policy,
      policyFrom: policy.from,
      attempt: d.attempt,
      reason: d.reason,
      replacedOwnerId: change.newOwnerId,
      changedBy: classification.by,
    },
    configVersion: routedBy?.configVersion ?? ctx.version,
  });
  o.outbox.push({
    id: outboxId,
    assignmentId,
    leadId: lead.id,
    crm: ev.crm,
    objectType: ev.objectType,
    recordId: ev.recordId,
    ownerId: d.ownerId,
    extraFields: ownerWriteFields(ctx.mappings, ev, d.reason),
  });
  o.applied.outboxIds.push(outboxId);
  o.conflicts.push({ ...base, attempt: d.attempt, revertWriteId: outboxId });
  ctx.reverts.set(lead.id, (ctx.reverts.get(lead.id) ?? 0) + 1);
  writes.unshift({
    id: outboxId,
    leadId: lead.id,
    ownerId: d.ownerId,
    status: 'pending',
    createdAt: ctx.now,
    doneAt: null,
    confirmedAt: null,
  });
  ctx.writes.set(lead.id, writes);
  if (lead.crmOwnerId !== d.ownerId) {
    // The lead's known owner was someone else (an earlier adoption): the counters come back to ours.
    const fromRep = findRepByCrmId(ctx.config, crm, lead.crmOwnerId);
    const toRep = findRepByCrmId(ctx.config, crm, d.ownerId);
    if (fromRep !== toRep)
      addDeltas(
        o.deltas,
        counterDeltasForMove({
          from: fromRep && { rep: fromRep },
          to: toRep && { rep: toRep, at: ctx.now },
          periods: false,
        }),
      );
    touch({ ownerRepId: d.repId, crmOwnerId: d.ownerId, ownerSince: ctx.now });
  } else touch({});
}

function conflictContext(ctx: BatchContext, lead: LeadRowForSync, crm: CrmName, change: OwnershipChange, at: Date) {
  const routedBy = ctx.routed.get(lead.id);
  // Our latest write (reverts included) is the owner routing stands for; before any write, the decision's.
  const latest = (ctx.writes.get(lead.id) ?? []).find((w) => w.status !== 'failed');
  return {
    config: ctx.config,
    crm,
    previousOwnerId: lead.crmOwnerId,
    // Since the later of the last adoption and the last routing decision (a re-route resets it).
    previousOwnerSince:
      lead.ownerSince && routedBy
        ? later(lead.ownerSince, routedBy.createdAt)
        : (lead.ownerSince ?? routedBy?.createdAt ?? null),
    newOwnerId: change.newOwnerId,
    changedAt: at,
    routerOwnerId: latest?.ownerId ?? routedBy?.crmOwnerId ?? null,
    routerWrittenAt: latest ? (latest.doneAt ?? latest.createdAt) : (routedBy?.createdAt ?? null),
    revertsSoFar: ctx.reverts.get(lead.id) ?? 0,
  };
}
