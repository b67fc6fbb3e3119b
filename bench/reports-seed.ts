// The year of history bench:reports reads, seeded in Postgres with one generate_series statement
// per table (leads, their events, assignments and lead_reports rows, SLA timers, conflicts, waiting
// leads, availability changes); test/integration/reports-speed-rollup.test.ts seeds a smaller one.
// ids derive from i (md5 as uuid), so the tables join without lookups.
export const reps = Array.from({ length: 20 }, (_, i) => ({ id: `rep${i}`, crmIds: { hubspot: String(100 + i) } }));
export const pools = Array.from({ length: 5 }, (_, p) => ({
  id: `pool${p}`,
  strategy: p === 0 ? 'weighted_round_robin' : 'round_robin',
  members: reps.slice(p * 4, p * 4 + 4).map((r) => r.id),
}));
export const start = new Date('2025-12-01T00:00:00Z');
export const end = new Date(start.getTime() + 365 * 86_400_000);

/** The statements, in order; the lead_reports rollup (lead_report_days) is rebuilt after them. */
export const seedSql = (n: number) => [
  `select setseed(0.42)`,
  `create temporary table seed as
     select i,
       md5('e' || i)::uuid as event_id, md5('l' || i)::uuid as lead_id, md5('a' || i)::uuid as assignment_id,
       timestamptz '${start.toISOString()}' + (i::float8 / ${n}) * interval '365 days' as received_at,
       (i % 5) as pool, (i % 20) as rep, random() as r1, random() as r2, random() as r3, random() as r4
     from generate_series(1, ${n}) as i`,
  `insert into inbound_events (id, source, source_event_id, kind, crm, object_type, record_id, payload, status, received_at, processed_at)
     select event_id, 'hubspot', 'c' || i, 'created', 'hubspot', 'contact', i::text, '{}', 'done', received_at, received_at from seed`,
  `insert into leads (id, crm, object_type, record_id, data, owner_rep_id, crm_owner_id, created_at, updated_at)
     select lead_id, 'hubspot', 'contact', i::text, jsonb_build_object('email', 'lead' || i || '@acme.example'),
       'rep' || (pool * 4 + rep % 4), (100 + pool * 4 + rep % 4)::text, received_at, received_at from seed`,
  // 95 % assigned, 4 % unassigned (three reasons), 1 % skipped as closed; 2 % decided in shadow mode.
  `create temporary table decided as
     select s.*,
       case when r1 < 0.95 then 'assigned' when r1 < 0.99 then 'unassigned' else 'skipped' end as outcome,
       case when r1 < 0.95 then 'ASSIGNED' when r1 < 0.97 then 'NO_RULE_MATCHED' when r1 < 0.98 then 'POOL_EXHAUSTED'
            when r1 < 0.99 then 'NO_REP_AVAILABLE' else 'SKIPPED_CLOSED' end as reason,
       case when r2 < 0.02 then 'shadow' else 'live' end as mode,
       received_at + (5 + r3 * 500) * interval '1 millisecond' as decided_at
     from seed s`,
  `insert into assignments (id, event_id, lead_id, outcome, rep_id, crm_owner_id, pool_id, rule_id, reason_code, decision, config_version, created_at)
     select assignment_id, event_id, lead_id, outcome,
       case when outcome = 'assigned' then 'rep' || (pool * 4 + rep % 4) end,
       case when outcome = 'assigned' then (100 + pool * 4 + rep % 4)::text end,
       'pool' || pool, 'rule' || pool, reason, '{}', 1, decided_at from decided`,
  `insert into lead_reports (lead_id, assignment_id, crm, source, pool_id, rule_id, outcome, reason_code, rep_id, crm_owner_id, mode,
       crm_created_at, received_at, decided_at, written_at, confirmed_at, crm_set_owner_id, crm_set_rep_id, crm_set_by, crm_set_source, crm_set_at)
     select lead_id, assignment_id, 'hubspot', case when i % 3 = 0 then 'webinar' else 'hubspot' end, 'pool' || pool, 'rule' || pool,
       outcome, reason,
       case when outcome = 'assigned' then 'rep' || (pool * 4 + rep % 4) end,
       case when outcome = 'assigned' then (100 + pool * 4 + rep % 4)::text end,
       mode,
       case when r4 < 0.8 then received_at - r4 * interval '10 seconds' end,
       received_at, decided_at, w, case when w is not null and r4 < 0.9 then w + (500 + r3 * 4500) * interval '1 millisecond' end,
       o, case when o is not null then 'rep' || ((pool * 4 + rep) % 20) end, case when o is not null then 'user:' || (i % 50) end,
       case when o is not null then 'CRM_UI' end, case when o is not null then decided_at + interval '2 minutes' end
     from (select d.*,
             case when outcome = 'assigned' and mode = 'live' then decided_at + (100 + r2 * 3000) * interval '1 millisecond' end as w,
             case when mode = 'shadow' and r3 < 0.7 then (100 + (pool * 4 + case when r4 < 0.6 then rep % 4 else (rep + 1) % 4 end))::text end as o
           from decided d) x`,
  // SLA timers on 10 % of the leads: most claimed, a fifth breached (half of them reassigned).
  `insert into sla_timers (lead_id, assignment_id, pool_id, rep_id, due_at, status, breach_action, next_rep_id, closed_at, created_at)
     select lead_id, assignment_id, 'pool' || pool, 'rep' || (pool * 4 + rep % 4), decided_at + interval '30 minutes',
       case when r3 < 0.2 then 'breached' else 'claimed' end,
       case when r3 < 0.1 then 'reassign' when r3 < 0.2 then 'escalate' end,
       case when r3 < 0.1 then 'rep' || (pool * 4 + (rep + 1) % 4) end,
       decided_at + case when r3 < 0.2 then interval '30 minutes' else interval '5 minutes' end, decided_at
     from decided where outcome = 'assigned' and mode = 'live' and i % 10 = 0`,
  // A person's reassignment on 2 % of the leads, each with its ownerChanged event.
  `insert into inbound_events (id, source, source_event_id, kind, crm, object_type, record_id, payload, status, received_at, processed_at)
     select md5('o' || i)::uuid, 'hubspot', 'o' || i, 'ownerChanged', 'hubspot', 'contact', i::text, '{}', 'done',
       decided_at + interval '1 hour', decided_at + interval '1 hour'
     from decided where outcome = 'assigned' and i % 50 = 7`,
  `insert into conflicts (event_id, lead_id, crm, object_type, record_id, router_owner_id, crm_owner_id, policy, policy_from, outcome, reason, occurred_at, created_at)
     select md5('o' || i)::uuid, lead_id, 'hubspot', 'contact', i::text, '100', '101',
       case when r3 < 0.7 then 'crm_wins' else 'router_wins' end, 'default',
       case when r3 < 0.7 then 'adopted' else 'reverted' end, 'seeded', decided_at + interval '1 hour', decided_at + interval '1 hour'
     from decided where outcome = 'assigned' and i % 50 = 7`,
  // 500 leads waiting for a full pool now.
  `insert into inbound_events (source, source_event_id, kind, crm, object_type, record_id, payload, status, waiting_pool_id, received_at)
     select 'hubspot', 'w' || i, 'created', 'hubspot', 'contact', 'w' || i, '{}', 'queued', 'pool' || (i % 5),
       timestamptz '${end.toISOString()}' - i * interval '1 minute' from generate_series(1, 500) as i`,
  // Each rep away a week twice over the year through the availability API.
  `insert into rep_availability_changes (rep_id, status, away_until, changed_by, changed_at)
     select 'rep' || r, 'away', timestamptz '${start.toISOString()}' + (k * 150 + r) * interval '1 day' + interval '7 days', 'bench',
       timestamptz '${start.toISOString()}' + (k * 150 + r) * interval '1 day'
     from generate_series(0, 19) as r, generate_series(0, 1) as k`,
];
