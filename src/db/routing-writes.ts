// A routing batch's writes in one statement: every lead, assignment, outbox row, SLA timer,
// cursor, counter and event status (lockForRouting in routing-state.ts took the locks). Per-table
// statements made a batch ~14 round trips; the routing transaction holds the cursor locks (on
// PGlite, the only connection, which intake waits for), so its length is what the ack pays.
// Inputs travel as one JSON parameter per table (jsonb_to_recordset): constant SQL text, and no
// per-value query building.
import { sql } from 'drizzle-orm';
import { jsonParam as json, rowsOf, type Tx } from './client.js';
import type { SlaTimerRow } from './sla-timers.js';

export interface RoutingBatchWrites {
  leads: Array<{
    crm: string;
    object_type: string;
    record_id: string;
    data: unknown;
    owner_rep_id: string | null;
    crm_owner_id: string | null;
  }>;
  /** Joined to their lead by (crm, object_type, record_id). */
  assignments: Array<{
    event_id: string;
    crm: string;
    object_type: string;
    record_id: string;
    outcome: string;
    rep_id: string | null;
    crm_owner_id: string | null;
    pool_id: string | null;
    rule_id: string | null;
    reason_code: string;
    decision: unknown;
    config_version: number;
  }>;
  /** Owner writes, joined to their assignment by event. */
  outbox: Array<{ event_id: string; owner_id: string; extra_fields: unknown }>;
  /** Events whose lead got a new owner: the lead's earlier pending SLA timers end (REASSIGNED). */
  reassignedEventIds: string[];
  timers: Array<{ event_id: string; pool_id: string; rep_id: string; due_at: string; reassignments: number }>;
  cursors: Record<string, number>;
  counterDeltas: Record<string, number>;
  doneEventIds: string[];
  queued: Array<{ id: string; score: number | null }>;
}

/** A new SLA timer, as much as scheduling its job needs. */
export type ArmedTimer = Pick<SlaTimerRow, 'id' | 'dueAt' | 'reassignments'>;

/** All of a routing batch's writes in one statement; answers the new outbox ids, SLA timers, and each event's lead id (for its log line). */
export async function writeRoutingBatch(
  tx: Tx,
  w: RoutingBatchWrites,
  now: Date,
): Promise<{ outboxIds: string[]; timers: ArmedTimer[]; leadIds: Map<string, string> }> {
  const at = now.toISOString();
  // Data-modifying CTEs all run, referenced or not, against one snapshot: the timer update
  // cannot see the timers inserted beside it, which is what "end the earlier ones" needs.
  const rows = rowsOf<{ kind: 'outbox' | 'timer' | 'lead'; row: unknown }>(
    await tx.execute(sql`
      with l as (
        insert into leads (crm, object_type, record_id, data, owner_rep_id, crm_owner_id, updated_at)
        select crm, object_type, record_id, data, owner_rep_id, crm_owner_id, ${at}::timestamptz
        from jsonb_to_recordset(${json(w.leads)}) as x(crm text, object_type text, record_id text, data jsonb, owner_rep_id text, crm_owner_id text)
        on conflict (crm, object_type, record_id) do update set
          data = excluded.data,
          owner_rep_id = coalesce(excluded.owner_rep_id, leads.owner_rep_id),
          crm_owner_id = coalesce(excluded.crm_owner_id, leads.crm_owner_id),
          updated_at = excluded.updated_at
        returning id, crm, object_type, record_id
      ), a as (
        insert into assignments (event_id, lead_id, outcome, rep_id, crm_owner_id, pool_id, rule_id, reason_code, decision, config_version)
        select x.event_id, l.id, x.outcome, x.rep_id, x.crm_owner_id, x.pool_id, x.rule_id, x.reason_code, x.decision, x.config_version
        from jsonb_to_recordset(${json(w.assignments)}) as x(event_id uuid, crm text, object_type text, record_id text, outcome text, rep_id text,
          crm_owner_id text, pool_id text, rule_id text, reason_code text, decision jsonb, config_version integer)
        join l on l.crm = x.crm and l.object_type = x.object_type and l.record_id = x.record_id
        returning id, event_id, lead_id
      ), o as (
        insert into outbox (assignment_id, lead_id, crm, object_type, record_id, owner_id, extra_fields)
        select a.id, a.lead_id, l.crm, l.object_type, l.record_id, x.owner_id, x.extra_fields
        from jsonb_to_recordset(${json(w.outbox)}) as x(event_id uuid, owner_id text, extra_fields jsonb)
        join a on a.event_id = x.event_id join l on l.id = a.lead_id
        returning id
      ), ended as (
        update sla_timers set status = 'cancelled', closed_reason = 'REASSIGNED', closed_at = ${at}::timestamptz
        where status = 'pending' and lead_id in (select a.lead_id from a where a.event_id in (select jsonb_array_elements_text(${json(w.reassignedEventIds)})::uuid))
      ), t as (
        insert into sla_timers (lead_id, assignment_id, pool_id, rep_id, due_at, reassignments)
        select a.lead_id, a.id, x.pool_id, x.rep_id, x.due_at, x.reassignments
        from jsonb_to_recordset(${json(w.timers)}) as x(event_id uuid, pool_id text, rep_id text, due_at timestamptz, reassignments integer)
        join a on a.event_id = x.event_id
        on conflict (assignment_id) do nothing
        returning id, due_at, reassignments
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
        where id in (select jsonb_array_elements_text(${json(w.doneEventIds)})::uuid)
      ), queued as (
        update inbound_events e set status = 'queued', lead_score = x.score
        from jsonb_to_recordset(${json(w.queued)}) as x(id uuid, score double precision) where e.id = x.id
      )
      select 'outbox' as kind, jsonb_build_object('id', o.id) as row from o
      union all select 'timer', to_jsonb(t) from t
      union all select 'lead', jsonb_build_object('event_id', a.event_id, 'lead_id', a.lead_id) from a`),
  );
  const outboxIds: string[] = [];
  const timers: ArmedTimer[] = [];
  const leadIds = new Map<string, string>();
  for (const r of rows) {
    const row = (typeof r.row === 'string' ? JSON.parse(r.row) : r.row) as Record<string, unknown>;
    if (r.kind === 'outbox') outboxIds.push(row.id as string);
    else if (r.kind === 'lead') leadIds.set(row.event_id as string, row.lead_id as string);
    else
      timers.push({
        id: row.id as string,
        dueAt: new Date(row.due_at as string),
        reassignments: row.reassignments as number,
      });
  }
  return { outboxIds, timers, leadIds };
}
