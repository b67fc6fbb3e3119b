// A routing batch's writes in one statement: every lead, assignment, outbox row, SLA timer,
// notification, cursor, counter and event status (lockForRouting in routing-state.ts took the locks). Per-table
// statements made a batch ~14 round trips; the routing transaction holds the cursor locks (on
// PGlite, the only connection, which intake waits for), so its length is what the ack pays.
// Inputs travel as one JSON parameter per table (jsonb_to_recordset): constant SQL text, and no
// per-value query building.
import { sql } from 'drizzle-orm';
import { anyUuid, executeNamed, jsonParam as json, rowsOf, type Tx } from './client.js';
import { name as n, recordset, type RowOf } from './recordset.js';
import { assignments, leads, notifications, outbox, slaTimers } from './schema.js';
import { completedBy, rollUpSql } from './report-rollup.js';
import type { SlaTimerRow } from './sla-timers.js';
import { dueOf, notificationCols, type DueNotification } from './notifications.js';

const leadKeys = ['crm', 'objectType', 'recordId'] as const;
const leadCols = [...leadKeys, 'data', 'ownerRepId', 'crmOwnerId'] as const;
const assignmentCols = [
  'eventId',
  'outcome',
  'repId',
  'crmOwnerId',
  'poolId',
  'ruleId',
  'reasonCode',
  'decision',
  'configVersion',
] as const;
const outboxCols = ['ownerId', 'extraFields'] as const;
const timerCols = ['poolId', 'repId', 'dueAt', 'reassignments'] as const;

/** The lead a routing batch upserts. */
export type RoutedLeadRow = RowOf<typeof leads, (typeof leadCols)[number]>;
/** An assignment, joined to its lead by the lead's record key (crm, objectType, recordId). */
export type RoutedAssignmentRow = RowOf<typeof assignments, (typeof assignmentCols)[number]> &
  RowOf<typeof leads, (typeof leadKeys)[number]>;
/** An owner write, joined to its assignment by the assignment's event. */
export type RoutedOutboxRow = RowOf<typeof assignments, 'eventId'> & RowOf<typeof outbox, (typeof outboxCols)[number]>;
/** An SLA timer, joined to its assignment by the assignment's event. */
export type RoutedTimerRow = RowOf<typeof assignments, 'eventId'> & RowOf<typeof slaTimers, (typeof timerCols)[number]>;

/** A notification, joined to its assignment by the assignment's event (an slaWarning also to the timer armed beside it). */
export type RoutedNotificationRow = RowOf<typeof assignments, 'eventId'> &
  RowOf<typeof notifications, (typeof notificationCols)[number]>;

export interface RoutingBatchWrites {
  leads: RoutedLeadRow[];
  assignments: RoutedAssignmentRow[];
  outbox: RoutedOutboxRow[];
  /** Events whose lead got a new owner: the lead's earlier pending SLA timers end (REASSIGNED). */
  reassignedEventIds: string[];
  timers: RoutedTimerRow[];
  cursors: Record<string, number>;
  counterDeltas: Record<string, number>;
  doneEventIds: string[];
  queued: Array<{ id: string; score: number | null; poolId?: string | null }>;
  /**
   * The lead_reports row of each assignment (docs/reports.md), by its event: live or shadow, the
   * lead's source, the CRM record's creation time, and in shadow mode the owner the record already
   * had when we read it (the CRM's own process set it). Absent: no report rows (a lead's first
   * decision only gets one; a later creation event of the same record keeps the first).
   */
  reports?: Array<{
    eventId: string;
    mode: 'live' | 'shadow';
    source: string;
    crmCreatedAt: string | null;
    crmSetOwnerId: string | null;
    crmSetRepId: string | null;
  }>;
  notifications: RoutedNotificationRow[];
}

// Built once: the statement's text is the same for every batch.
const L = recordset(leads, leadCols);
const A = recordset(assignments, assignmentCols);
const LK = recordset(leads, leadKeys);
const OK = recordset(outbox, leadKeys);
const E = recordset(assignments, ['eventId']);
const O = recordset(outbox, outboxCols);
const T = recordset(slaTimers, timerCols);
const N = recordset(notifications, notificationCols);

/** A new SLA timer, as much as scheduling its job needs. */
export type ArmedTimer = Pick<SlaTimerRow, 'id' | 'dueAt' | 'reassignments'>;

/** All of a routing batch's writes in one statement; answers the new outbox ids, SLA timers, and each event's lead id (for its log line). */
export async function writeRoutingBatch(
  tx: Tx,
  w: RoutingBatchWrites,
  now: Date,
  /** The "all pools" report rollup rows this transaction adds to (allPoolsKeyOf its lock partition); default '*'. */
  allPools?: string,
): Promise<{
  outboxIds: string[];
  timers: ArmedTimer[];
  leadIds: Map<string, string>;
  notifications: DueNotification[];
}> {
  const at = now.toISOString();
  // Data-modifying CTEs all run, referenced or not, against one snapshot: the timer update
  // cannot see the timers inserted beside it, which is what "end the earlier ones" needs.
  const rows = rowsOf<{ kind: 'outbox' | 'timer' | 'lead' | 'notification'; row: unknown }>(
    await executeNamed(
      tx,
      sql`
      with l as (
        insert into ${leads} (${L.columns}, ${n(leads.updatedAt)})
        select ${L.select('x')}, ${at}::timestamptz
        from jsonb_to_recordset(${json(w.leads)}) as x(${L.definition})
        on conflict (${LK.columns}) do update set
          ${n(leads.data)} = excluded.${n(leads.data)},
          ${n(leads.ownerRepId)} = coalesce(excluded.${n(leads.ownerRepId)}, ${leads.ownerRepId}),
          ${n(leads.crmOwnerId)} = coalesce(excluded.${n(leads.crmOwnerId)}, ${leads.crmOwnerId}),
          ${n(leads.updatedAt)} = excluded.${n(leads.updatedAt)}
        returning ${n(leads.id)} as id, ${LK.returning}
      ), a as (
        insert into ${assignments} (${A.columns}, ${n(assignments.leadId)})
        select ${A.select('x')}, l.id
        from jsonb_to_recordset(${json(w.assignments)}) as x(${A.definition}, ${LK.definition})
        join l on ${LK.match('l', 'x')}
        returning ${n(assignments.id)} as id, ${n(assignments.eventId)} as event_id, ${n(assignments.leadId)} as lead_id,
          outcome, rep_id, crm_owner_id, pool_id, rule_id, reason_code
      ), r as (
        insert into lead_reports (lead_id, assignment_id, crm, source, pool_id, rule_id, outcome, reason_code, rep_id, crm_owner_id, mode,
          crm_created_at, received_at, decided_at, crm_set_owner_id, crm_set_rep_id, crm_set_source, crm_set_at)
        select a.lead_id, a.id, e.crm, x.source, a.pool_id, a.rule_id, a.outcome, a.reason_code, a.rep_id, a.crm_owner_id, x.mode,
          x."crmCreatedAt", e.received_at, ${at}::timestamptz, x."crmSetOwnerId", x."crmSetRepId",
          case when x."crmSetOwnerId" is not null then 'record' end, case when x."crmSetOwnerId" is not null then ${at}::timestamptz end
        from jsonb_to_recordset(${json(w.reports ?? [])}) as x("eventId" uuid, mode text, source text, "crmCreatedAt" timestamptz,
          "crmSetOwnerId" text, "crmSetRepId" text)
        join a on a.event_id = x."eventId" join inbound_events e on e.id = x."eventId"
        on conflict (lead_id) do nothing
        returning *
      ), rolled as (${rollUpSql(sql`r`, completedBy.decision, allPools)}
      ), o as (
        insert into ${outbox} (${n(outbox.assignmentId)}, ${n(outbox.leadId)}, ${OK.columns}, ${O.columns})
        select a.id, a.lead_id, ${OK.select('l')}, ${O.select('x')}
        from jsonb_to_recordset(${json(w.outbox)}) as x(${E.definition}, ${O.definition})
        join a on a.event_id = x."eventId" join l on l.id = a.lead_id
        returning ${n(outbox.id)} as id
      ), ended as (
        update ${slaTimers} set ${n(slaTimers.status)} = 'cancelled', ${n(slaTimers.closedReason)} = 'REASSIGNED', ${n(slaTimers.closedAt)} = ${at}::timestamptz
        where ${slaTimers.status} = 'pending' and ${slaTimers.leadId} in (select a.lead_id from a where a.event_id in (select jsonb_array_elements_text(${json(w.reassignedEventIds)})::uuid))
      ), t as (
        insert into ${slaTimers} (${n(slaTimers.leadId)}, ${n(slaTimers.assignmentId)}, ${T.columns})
        select a.lead_id, a.id, ${T.select('x')}
        from jsonb_to_recordset(${json(w.timers)}) as x(${E.definition}, ${T.definition})
        join a on a.event_id = x."eventId"
        on conflict (${n(slaTimers.assignmentId)}) do nothing
        returning ${n(slaTimers.id)} as id, ${n(slaTimers.dueAt)} as "dueAt", ${n(slaTimers.reassignments)} as reassignments,
          ${n(slaTimers.assignmentId)} as assignment_id
      ), n as (
        insert into ${notifications} (${N.columns}, ${n(notifications.leadId)}, ${n(notifications.assignmentId)}, ${n(notifications.slaTimerId)})
        select ${N.select('x')}, a.lead_id, a.id, t.id
        from jsonb_to_recordset(${json(w.notifications)}) as x(${E.definition}, ${N.definition})
        join a on a.event_id = x."eventId"
        left join t on t.assignment_id = a.id and x."event" = 'slaWarning'
        on conflict (${n(notifications.dedupeKey)}) do nothing
        returning ${n(notifications.id)} as id, ${n(notifications.nextAttemptAt)} as next_attempt_at
      ), cursors as (
        insert into rotation_cursors (pool_id, position, updated_at)
        select key, value::integer, ${at}::timestamptz from jsonb_each_text(${json(w.cursors)})
        on conflict (pool_id) do update set position = excluded.position, updated_at = excluded.updated_at
      ), counters as (
        insert into routing_counters (key, value)
        select key, value::bigint from jsonb_each_text(${json(w.counterDeltas)})
        on conflict (key) do update set value = routing_counters.value + excluded.value
      ), done as (
        update inbound_events set status = 'done', processed_at = ${at}::timestamptz, last_error = null
        where id = ${anyUuid(w.doneEventIds)}
      ), queued as (
        update inbound_events e set status = 'queued', lead_score = x.score, waiting_pool_id = x."poolId"
        from jsonb_to_recordset(${json(w.queued)}) as x(id uuid, score double precision, "poolId" text)
        where e.id = x.id and e.id = ${anyUuid(w.queued.map((q) => q.id))}
      )
      select 'outbox' as kind, jsonb_build_object('id', o.id) as row from o
      union all select 'timer', to_jsonb(t) from t
      union all select 'lead', jsonb_build_object('eventId', a.event_id, 'leadId', a.lead_id) from a
      union all select 'notification', jsonb_build_object('id', n.id, 'next_attempt_at', n.next_attempt_at) from n`,
    ),
  );
  const outboxIds: string[] = [];
  const timers: ArmedTimer[] = [];
  const leadIds = new Map<string, string>();
  const notes: DueNotification[] = [];
  for (const r of rows) {
    const row = (typeof r.row === 'string' ? JSON.parse(r.row) : r.row) as Record<string, unknown>;
    if (r.kind === 'outbox') outboxIds.push(row.id as string);
    else if (r.kind === 'notification') notes.push(dueOf(row as { id: string; next_attempt_at: string | null }));
    else if (r.kind === 'lead') leadIds.set(row.eventId as string, row.leadId as string);
    else
      timers.push({
        id: row.id as string,
        dueAt: new Date(row.dueAt as string),
        reassignments: row.reassignments as number,
      });
  }
  return { outboxIds, timers, leadIds, notifications: notes };
}
