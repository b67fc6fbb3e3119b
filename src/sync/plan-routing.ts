// A routing batch as a plan: what one batch of new leads writes, computed from the leads (mapped,
// before the transaction) and the routing state read under the routing locks, and nothing else: no
// I/O, no clock (`now` is passed in). src/pipeline/route-batch.ts loads, calls this, and hands the
// plan's rows to writeRoutingBatch (src/db/routing-writes.ts), one statement. The contract:
// - each lead is decided against the state as the previous decisions of the batch left it (the
//   batch decides exactly as one lead at a time would, ARCHITECTURE.md invariant 8);
// - a second trigger for a record already in the batch is deferred (its job retries), since one
//   statement cannot write a lead row twice;
// - a placed lead gets its lead row, assignment and (assigned) outbox row and SLA timer; a lead a
//   full pool holds stays `queued` with its score, so the waiting leads go first next time.
// The plan is a plain object of rows per table, so a new consumer adds a field beside the others.
import type { InboundEventRow, RoutingBatchWrites } from '../db/index.js';
import type { Lead } from '../lead/index.js';
import { ownerWriteFields, type MappingSet, type MappingWarning } from '../mapping/index.js';
import {
  applyToState,
  decide,
  mergeStateChanges,
  type Decision,
  type DecideOptions,
  type RoutingConfig,
  type RoutingState,
} from '../routing/index.js';
import { slaTimerSpec } from './sla.js';
import { reportFacts, writeModeOf, type ConnectorModes } from './report-facts.js';
import { planAssignmentNotifications, type NotificationsConfig } from '../notify/index.js';
import { toNotificationInsert } from './notification-rows.js';

export interface RoutableLead {
  ev: InboundEventRow;
  lead: Lead;
  warnings: MappingWarning[];
  /** Set when the record was created closed (routing.sync.closedWhen): stored as skipped, not routed. */
  closed?: Decision;
  /** The lead's CRM account and existing records, looked up by the pipeline before planning. */
  accounts?: Pick<DecideOptions, 'account' | 'existingRecords'>;
}

export interface RoutingSettings {
  config: RoutingConfig;
  mappings: MappingSet;
  version: number;
  /** The config document's connectors section: a shadow-mode lead is recorded, never written (docs/shadow-mode.md). */
  connectors?: ConnectorModes | undefined;
  /** Who hears about assignments (docs/notifications.md); absent: nobody. */
  notifications?: NotificationsConfig | undefined;
}

export interface RoutingPlan {
  /** Every lead decided, in batch order, with its decision (for metrics and the log line). */
  decided: Array<RoutableLead & { decision: Decision }>;
  /** Events deferred to a later batch: another trigger for the same record is in this one. */
  deferred: string[];
  writes: RoutingBatchWrites;
}

const rank = (r: RoutableLead) => (r.ev.status === 'queued' ? 0 : 1);

/** The batch order: waiting leads first (highest score, then oldest), then new ones oldest first. */
export function byRoutingOrder(a: RoutableLead, b: RoutableLead): number {
  return (
    rank(a) - rank(b) ||
    (b.lead.score ?? -Infinity) - (a.lead.score ?? -Infinity) ||
    a.ev.receivedAt.getTime() - b.ev.receivedAt.getTime()
  );
}

const recordOf = (lead: Lead) => ({
  crm: lead.source.crm,
  objectType: lead.source.objectType,
  recordId: lead.source.id,
});

/**
 * Plans a batch, in the order given (byRoutingOrder). Pure: `state` is copied, not changed; the same
 * leads, settings, state and `now` give the same plan.
 */
export function planRoutingBatch(
  todo: RoutableLead[],
  settings: RoutingSettings,
  lockedState: RoutingState,
  now: Date,
): RoutingPlan {
  const { config, mappings, version } = settings;
  const state: RoutingState = {
    ...lockedState,
    cursors: { ...lockedState.cursors },
    counters: { ...lockedState.counters },
  };
  const seen = new Set<string>();
  const deferred: string[] = [];
  const decided: RoutingPlan['decided'] = [];
  for (const r of todo) {
    const { crm, objectType, recordId } = recordOf(r.lead);
    const k = `${crm}\u0000${objectType}\u0000${recordId}`;
    if (seen.has(k)) {
      deferred.push(r.ev.id);
      continue;
    }
    seen.add(k);
    const options: DecideOptions = { ...r.accounts };
    if (r.ev.status === 'queued') options.queuedSince = r.ev.receivedAt;
    const decision = r.closed ?? decide(r.lead, config, state, now, options);
    applyToState(state, decision.stateChange);
    decided.push({ ...r, decision });
  }

  const placed = decided.filter((r) => r.decision.kind !== 'queued');
  // Shadow mode (docs/shadow-mode.md): decided and recorded as usual, but no owner on the lead,
  // no outbox row and no SLA timer (its reassignment would write).
  const modeOf = (r: (typeof decided)[number]) => writeModeOf(settings.connectors, config, r.ev.crm, r.decision.poolId);
  const live = (r: (typeof decided)[number]) => modeOf(r) === 'live';
  const assigned = placed.filter((r) => r.decision.kind === 'assigned' && live(r));
  const change = mergeStateChanges(decided.map((r) => r.decision.stateChange));
  const repOf = (d: Decision) => (d.kind === 'assigned' && d.ownerKind === 'rep' ? d.ownerId : null);
  const crmOwnerOf = (d: Decision) => (d.kind === 'assigned' ? d.crmOwnerId : null);
  const writes: RoutingBatchWrites = {
    leads: placed.map((r) => ({
      ...recordOf(r.lead),
      data: r.lead,
      ownerRepId: live(r) ? repOf(r.decision) : null,
      crmOwnerId: live(r) ? crmOwnerOf(r.decision) : null,
    })),
    assignments: placed.map(({ ev, lead, warnings, decision: d }) => ({
      eventId: ev.id,
      ...recordOf(lead),
      outcome: d.kind,
      repId: repOf(d),
      crmOwnerId: crmOwnerOf(d),
      poolId: d.poolId ?? null,
      ruleId: d.ruleId ?? null,
      reasonCode: d.code,
      decision: { ...d, mappingWarnings: warnings },
      configVersion: version,
    })),
    outbox: assigned.flatMap(({ ev, decision: d }) =>
      d.kind === 'assigned'
        ? [
            {
              eventId: ev.id,
              ownerId: d.crmOwnerId,
              extraFields: ownerWriteFields(mappings, ev, `${d.ruleId}: ${d.code}`),
            },
          ]
        : [],
    ),
    reassignedEventIds: assigned.map((r) => r.ev.id),
    timers: assigned.flatMap(({ ev, decision }) => {
      const t = slaTimerSpec(config, decision, now);
      return t ? [{ eventId: ev.id, poolId: t.poolId, repId: t.repId, dueAt: t.dueAt, reassignments: 0 }] : [];
    }),
    cursors: change.cursors,
    counterDeltas: Object.fromEntries(Object.entries(change.counterDeltas).filter(([, d]) => d !== 0)),
    doneEventIds: placed.map((r) => r.ev.id),
    queued: decided
      .filter((r) => r.decision.kind === 'queued')
      .map((r) => ({ id: r.ev.id, score: r.lead.score ?? null, poolId: r.decision.poolId ?? null })),
    reports: placed.map((r) => reportFacts(config, modeOf(r), r.ev, r.lead)),
    // The assignment's notifications (and the warning before its SLA runs out), in the same statement.
    notifications: assigned.flatMap(({ ev, lead, decision }) =>
      planAssignmentNotifications(
        { routing: config, notifications: settings.notifications },
        {
          eventId: ev.id,
          lead,
          decision,
          receivedAt: ev.receivedAt,
          slaDueAt: slaTimerSpec(config, decision, now)?.dueAt,
        },
        now,
      ).map((p) => ({ eventId: ev.id, ...toNotificationInsert(p) })),
    ),
  };
  return { decided, deferred, writes };
}
