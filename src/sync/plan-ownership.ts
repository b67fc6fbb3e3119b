// The ownership sync as a plan: which rows a batch of CRM owner changes writes, and which counters
// move, computed from the facts the pipeline loaded (src/pipeline/sync-ownership.ts) and nothing
// else: no I/O, no clock (`now` is passed in), ids from `newId`. The contract it keeps:
// - one ownership_changes row per event; an echo of our own write confirms that write and is never
//   a conflict (ARCHITECTURE.md invariant 3);
// - a person's change goes through the conflict policy: adopted (counters follow the CRM's owner,
//   the lead's SLA timer ends) or reverted (an assignment and an outbox row per triggering event,
//   so unique(event_id) keeps a redelivery to one revert);
// - events apply oldest occurredAt first, each against the ledger as the earlier ones left it, so a
//   batch plans what one event at a time would.
// The plan is a plain object of rows per table, so a new consumer (an outbox of notifications, shadow
// mode) adds a field without touching the others.
import type {
  InboundEventRow,
  LeadOwnershipPatch,
  LeadRowForSync,
  LedgerWriteRow,
  NewAssignment,
  NewConflict,
  NewOutboxRow,
  NewOwnershipChange,
  RoutedBy,
} from '../db/index.js';
import type { InboundEvent } from '../connector.js';
import type { CrmName, Lead } from '../lead/index.js';
import { ownerWriteFields, type MappingSet } from '../mapping/index.js';
import { planConflict, type NotificationsConfig, type PlannedNotification } from '../notify/index.js';
import type { RoutingConfig } from '../routing/index.js';
import { classifyOwnershipChange } from './classify.js';
import { counterDeltasForMove } from './counter-moves.js';
import { decideConflict } from './decide-conflict.js';
import { findRepByCrmId, resolveOwner } from './owners.js';
import { resolveConflictPolicy } from './policy.js';
import type { Classification, IntegrationIdentity, LedgerWrite, OwnershipChange } from './types.js';

/** Reason code of the assignment a router_wins revert writes (one per triggering event). */
export const revertReasonCode = 'SYNC_REVERT';

/** What the plan reads, loaded under the batch's locks. */
export interface OwnershipFacts {
  /** The batch's events still open (not done by an earlier delivery), in any order. */
  events: InboundEventRow[];
  /** The leads of those events' records. */
  leads: LeadRowForSync[];
  /** Our writes per lead id, newest first. */
  writes: Map<string, LedgerWriteRow[]>;
  /** The latest routing assignment per lead id (its rule and pool pick the conflict policy). */
  routed: Map<string, RoutedBy>;
  /** Reverts written so far per lead id. */
  reverts: Map<string, number>;
}

export interface OwnershipSettings {
  config: RoutingConfig;
  /** Which field, if any, carries the reason of a revert (the mapping's reasonField). */
  mappings: MappingSet;
  version: number;
  identity: IntegrationIdentity;
  echoWindowSeconds: number | undefined;
  /** Who hears about a conflict (docs/notifications.md); absent: nobody. */
  notifications?: NotificationsConfig | undefined;
}

export interface OwnershipPlan {
  ownershipChanges: NewOwnershipChange[];
  /** Outbox ids the CRM's echo confirmed. */
  confirmedWriteIds: string[];
  assignments: NewAssignment[];
  outbox: NewOutboxRow[];
  conflicts: NewConflict[];
  /** A conflict's notifications, written in the conflict's transaction (key: its event id, so a replan adds none). */
  notifications: Array<PlannedNotification & { leadId: string; assignmentId: string | null }>;
  leadPatches: LeadOwnershipPatch[];
  /** Counter moves before clamping at zero (the store step reads the counters it lowers). */
  counterDeltas: Record<string, number>;
  /** Leads whose pending SLA timers end (OWNER_CHANGED). */
  cancelTimersOf: string[];
  doneEventIds: string[];
  metrics: {
    changes: Array<{ crm: string; classification: string }>;
    conflicts: Array<{ policy: string; outcome: string }>;
  };
}

type OwnerChangedEvent = Extract<InboundEvent, { kind: 'ownerChanged' }>;

export function toOwnershipChange(ev: InboundEventRow): OwnershipChange {
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
const keyOf = (r: { crm: string; objectType: string; recordId: string }) =>
  `${r.crm}\u0000${r.objectType}\u0000${r.recordId}`;

interface Ctx extends OwnershipSettings {
  now: Date;
  newId: () => string;
  /** Copies of the facts, updated as events apply (the inputs are left as they were). */
  leads: Map<string, LeadRowForSync>;
  writes: Map<string, LedgerWriteRow[]>;
  routed: Map<string, RoutedBy>;
  reverts: Map<string, number>;
  touched: Set<string>;
  cancelTimers: Set<string>;
  plan: OwnershipPlan;
}

/** Plans a batch of owner changes. Pure: the same facts, settings, `now` and ids give the same plan. */
export function planOwnershipSync(
  facts: OwnershipFacts,
  settings: OwnershipSettings,
  now: Date,
  newId: () => string,
): OwnershipPlan {
  const todo = facts.events
    .map((ev) => ({ ev, change: toOwnershipChange(ev) }))
    .sort(
      (a, b) =>
        Date.parse(a.change.occurredAt) - Date.parse(b.change.occurredAt) ||
        a.ev.receivedAt.getTime() - b.ev.receivedAt.getTime(),
    );
  const ctx: Ctx = {
    ...settings,
    now,
    newId,
    leads: new Map(facts.leads.map((l) => [keyOf(l), { ...l }])),
    writes: new Map([...facts.writes].map(([id, ws]) => [id, ws.map((w) => ({ ...w }))])),
    routed: facts.routed,
    reverts: new Map(facts.reverts),
    touched: new Set(),
    cancelTimers: new Set(),
    plan: {
      ownershipChanges: [],
      confirmedWriteIds: [],
      assignments: [],
      outbox: [],
      conflicts: [],
      notifications: [],
      leadPatches: [],
      counterDeltas: {},
      cancelTimersOf: [],
      doneEventIds: todo.map(({ ev }) => ev.id),
      metrics: { changes: [], conflicts: [] },
    },
  };
  for (const { ev, change } of todo) planOne(ctx, ev, change);
  const byId = new Map([...ctx.leads.values()].map((l) => [l.id, l]));
  ctx.plan.leadPatches = [...ctx.touched].map((id) => {
    const l = byId.get(id)!;
    return {
      id,
      ownerRepId: l.ownerRepId,
      crmOwnerId: l.crmOwnerId,
      ownerSince: l.ownerSince,
      lastOwnerChangeAt: l.lastOwnerChangeAt,
    };
  });
  ctx.plan.cancelTimersOf = [...ctx.cancelTimers];
  return ctx.plan;
}

function addDeltas(into: Record<string, number>, deltas: Record<string, number>): void {
  for (const [k, d] of Object.entries(deltas)) into[k] = (into[k] ?? 0) + d;
}

function planOne(ctx: Ctx, ev: InboundEventRow, change: OwnershipChange): void {
  const o = ctx.plan;
  const lead = ctx.leads.get(keyOf(ev));
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
  o.ownershipChanges.push({
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
  o.metrics.changes.push({ crm: ev.crm, classification: kind });
  if (!lead || kind === 'stale') return;

  const touch = (patch: Partial<LeadRowForSync>) => {
    Object.assign(lead, patch);
    lead.lastOwnerChangeAt = later(lead.lastOwnerChangeAt, at);
    ctx.touched.add(lead.id);
  };

  if (classification.kind === 'echo') {
    if (classification.writeId) {
      o.confirmedWriteIds.push(classification.writeId);
      const w = writes.find((x) => x.id === classification.writeId);
      if (w) w.confirmedAt = ctx.now;
      touch({});
    } else if (change.newOwnerId !== lead.crmOwnerId) {
      // Ours by origin but no write of ours has this owner (CRM automation inside our own call):
      // the CRM's owner is the fact; counters follow it as under crm_wins, but it is no conflict.
      const d = decideConflict({ policy: 'crm_wins' }, conflictContext(ctx, lead, crm, change, at));
      if (d.action === 'adopt') {
        addDeltas(o.counterDeltas, d.counterDeltas);
        ctx.cancelTimers.add(lead.id);
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
  o.metrics.conflicts.push({ policy: base.policy, outcome: d.outcome });

  if (d.action === 'adopt') {
    addDeltas(o.counterDeltas, d.counterDeltas);
    ctx.cancelTimers.add(lead.id);
    o.conflicts.push(base);
    tell(ctx, lead, base, null);
    touch({ ownerRepId: d.owner.repId, crmOwnerId: change.newOwnerId, ownerSince: at });
    return;
  }

  // router_wins: our owner goes back through the outbox, as a write of its own (an assignment per
  // triggering event, so unique(event_id) makes a redelivery unable to revert twice).
  const assignmentId = ctx.newId();
  const outboxId = ctx.newId();
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
  o.conflicts.push({ ...base, attempt: d.attempt, revertWriteId: outboxId });
  tell(ctx, lead, base, assignmentId);
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
        o.counterDeltas,
        counterDeltasForMove({
          from: fromRep && { rep: fromRep },
          to: toRep && { rep: toRep, at: ctx.now },
          periods: false,
        }),
      );
    touch({ ownerRepId: d.repId, crmOwnerId: d.ownerId, ownerSince: ctx.now });
  } else touch({});
}

/** Operations (and webhooks) hear about each conflict recorded, with the policy's verdict. */
function tell(ctx: Ctx, lead: LeadRowForSync, c: NewConflict, assignmentId: string | null): void {
  if (!ctx.notifications) return;
  const planned = planConflict(
    { routing: ctx.config, notifications: ctx.notifications },
    {
      key: c.eventId,
      lead: lead.data as Lead,
      routerRepId: c.routerRepId ?? null,
      crmOwnerId: c.crmOwnerId ?? null,
      changedBy: c.changedBy ?? null,
      policy: c.policy,
      outcome: c.outcome,
    },
    ctx.now,
  );
  for (const p of planned) ctx.plan.notifications.push({ ...p, leadId: lead.id, assignmentId });
}

function conflictContext(ctx: Ctx, lead: LeadRowForSync, crm: CrmName, change: OwnershipChange, at: Date) {
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
