// Prometheus metrics for one process. A registry per process (not the global default) so
// tests can build several apps side by side.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BuildInfo } from '../build-info.js';

/** Rows by kind (route = inbound events, writeback = outbox), CRM and state, as the backlog gauge reads them. */
export type BacklogSource = () => Promise<
  Array<{ kind: string; crm: string; state: 'pending' | 'retrying' | 'waiting' | 'dead'; count: number }>
>;

/** Seconds the oldest row of each kind has waited (null: none waiting), read from Postgres's clock. */
export interface BacklogAge {
  /** The oldest inbound event not routed yet (received, not held by a full pool). */
  unroutedEventSeconds: number | null;
  /** The oldest lead a full pool holds (status queued). */
  waitingLeadSeconds: number | null;
  /** The oldest owner write not done (pending, retrying included). */
  pendingWriteSeconds: number | null;
}

/** Where the scrape-time gauges read (the runtime wires the database, queue and config store in). */
export interface MetricSources {
  backlog?: BacklogSource;
  backlogAge?: () => Promise<BacklogAge>;
  queueDepth?: () => Promise<Array<{ queue: string; state: string; count: number }>>;
  configVersion?: () => Promise<number>;
}

/** 0.25 ms to 4 s, doubling: a lock held for a batch is ms, a queue behind it can be seconds. */
const lockBuckets = Array.from({ length: 15 }, (_, i) => 0.00025 * 2 ** i);

export function createMetrics(build?: BuildInfo) {
  const registry = new Registry();
  const sources: MetricSources = {};
  collectDefaultMetrics({ register: registry });
  /** A scrape-time read; a failing source keeps the gauge's last values (the database is down: /readyz says why). */
  const read = async <T>(source: (() => Promise<T>) | undefined, apply: (v: T) => void) => {
    if (!source) return;
    try {
      apply(await source());
    } catch {
      // keep the last values
    }
  };
  const m = {
    registry,
    httpRequests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency',
      labelNames: ['method', 'route'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    eventsReceived: new Counter({
      name: 'inbound_events_total',
      help: 'Inbound events by source and outcome',
      labelNames: ['source', 'outcome'] as const,
      registers: [registry],
    }),
    jobs: new Counter({
      name: 'jobs_total',
      help: 'Job tries by queue and outcome',
      labelNames: ['queue', 'outcome'] as const,
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: 'job_duration_seconds',
      help: 'Job handler time',
      labelNames: ['queue'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers: [registry],
    }),
    // Routing transactions serialise on their lock rows (routing-lock.ts): how long each waited for
    // them and held them bounds routed leads/s per lock (docs/scaling.md).
    routingLockWait: new Histogram({
      name: 'routing_lock_wait_seconds',
      help: 'Per routing transaction, by lock partition ("global" for the one lock of an unpartitioned config and for adoptions, SLA and bulk reroutes; at most 32 partition names per process, then "other"): from its lock statement sent to the locks held (one round trip plus the wait behind other holders)',
      labelNames: ['partition'] as const,
      buckets: lockBuckets,
      registers: [registry],
    }),
    routingLockHold: new Histogram({
      name: 'routing_lock_hold_seconds',
      help: 'Per routing transaction, by lock partition (as routing_lock_wait_seconds): from the locks held to the commit (reading state, deciding, writing the batch)',
      labelNames: ['partition'] as const,
      buckets: lockBuckets,
      registers: [registry],
    }),
    routingLockLeads: new Counter({
      name: 'routing_lock_leads_total',
      help: 'Leads taken into routing transactions that committed, by lock partition (as routing_lock_wait_seconds): over routing_lock_hold_seconds_count, the leads per transaction',
      labelNames: ['partition'] as const,
      registers: [registry],
    }),
    leadsRouted: new Counter({
      name: 'leads_routed_total',
      help: 'Routing decisions by pool, rule, outcome (assigned, unassigned, queued) and reason code; pool and rule are "none" when the decision named none',
      labelNames: ['pool', 'rule', 'outcome', 'reason'] as const,
      registers: [registry],
    }),
    speedToLead: new Histogram({
      name: 'speed_to_lead_seconds',
      help: 'From the CRM record\'s creation (since="crm_created": the createdAt the mapping read from the record) or, when the CRM gave none, from intake (since="received") to its first owner written in the CRM, by CRM and pool',
      labelNames: ['crm', 'pool', 'since'] as const,
      buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 900, 1800, 3600],
      registers: [registry],
    }),
    speedToLeadStage: new Histogram({
      name: 'speed_to_lead_stage_seconds',
      help: "Each step of a new lead's way to its first owner written and confirmed, by CRM, pool and stage: created_to_received (the CRM record's createdAt to our intake; only when the CRM gave one), received_to_decided, decided_to_written (the CRM accepted the owner), observed when the owner is written; written_to_confirmed (the CRM's echo of that write), observed when both are recorded",
      labelNames: ['crm', 'pool', 'stage'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
      registers: [registry],
    }),
    // Lead-weighted sums, not histograms: a batch adds its duration once per lead in it, so
    // sum / leads is the mean a lead spent in the stage, at one counter add per batch on the hot path.
    leadStageSeconds: new Counter({
      name: 'lead_stage_seconds_total',
      help: 'Seconds leads spent in each worker stage, summed over leads: route_wait (queued for a routing batch), read (the batch read of the CRM records, its token wait included), decide (after the read to the owner writes handed over: the routing transaction), write_wait (queued for a write batch), write (the owner write call, its token wait included). Divide by lead_stage_leads_total',
      labelNames: ['stage'] as const,
      registers: [registry],
    }),
    leadStageLeads: new Counter({
      name: 'lead_stage_leads_total',
      help: 'Leads counted in lead_stage_seconds_total, by stage',
      labelNames: ['stage'] as const,
      registers: [registry],
    }),
    writebacks: new Counter({
      name: 'writebacks_total',
      help: 'Owner write-backs by CRM and outcome',
      labelNames: ['crm', 'outcome'] as const,
      registers: [registry],
    }),
    leadTimeToOwner: new Histogram({
      name: 'lead_time_to_owner_seconds',
      help: 'From the event stored at intake to the owner written in the CRM',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    swept: new Counter({
      name: 'sweeper_requeued_total',
      help: 'Stored work re-enqueued by the sweeper',
      labelNames: ['queue'] as const,
      registers: [registry],
    }),
    ownershipChanges: new Counter({
      name: 'ownership_changes_total',
      help: 'CRM owner changes by classification (echo, manual, stale, noop, unknown_record)',
      labelNames: ['crm', 'classification'] as const,
      registers: [registry],
    }),
    conflicts: new Counter({
      name: 'ownership_conflicts_total',
      help: "A person's reassignments by policy and outcome",
      labelNames: ['policy', 'outcome'] as const,
      registers: [registry],
    }),
    slaBreaches: new Counter({
      name: 'sla_breaches_total',
      help: 'SLA timers that ran out, by what the breach did (reassign, escalate, stop)',
      labelNames: ['action'] as const,
      registers: [registry],
    }),
    crmApiUsage: new Gauge({
      name: 'crm_api_usage',
      help: "The CRM's own count of API calls used and allowed today (Salesforce Sforce-Limit-Info)",
      labelNames: ['crm', 'kind'] as const,
      registers: [registry],
    }),
    signatureFailures: new Counter({
      name: 'webhook_signature_failures_total',
      help: 'Webhooks refused for their signature',
      labelNames: ['crm', 'code'] as const,
      registers: [registry],
    }),
    notifications: new Counter({
      name: 'notifications_total',
      help: 'Notification sends by channel (slack, email, webhook), event and outcome (sent, failed: retried on its schedule or a dead letter)',
      labelNames: ['channel', 'event', 'outcome'] as const,
      registers: [registry],
    }),
    retriesScheduled: new Counter({
      name: 'retries_scheduled_total',
      help: 'Failed tries given a next attempt in Postgres, by kind (route, writeback, notify), CRM (the channel for notify) and error code',
      labelNames: ['kind', 'crm', 'code'] as const,
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: 'dead_letters_total',
      help: 'Rows given up (refused for good or retry horizon spent), by kind, CRM and error code',
      labelNames: ['kind', 'crm', 'code'] as const,
      registers: [registry],
    }),
    circuitState: new Gauge({
      name: 'crm_circuit_state',
      help: "This process's circuit per CRM: 0 closed, 1 half-open (probing), 2 open (writes wait)",
      labelNames: ['crm'] as const,
      registers: [registry],
    }),
    // Read from Postgres at scrape time, so every process reports the same fleet-wide numbers.
    backlog: new Gauge({
      name: 'backlog_rows',
      help: 'Inbound events (kind route) and owner writes (kind writeback) by CRM and state: pending (not failed yet), retrying (next try scheduled), waiting (route only: a lead a full pool holds), dead (dead letters, docs/failures.md)',
      labelNames: ['kind', 'crm', 'state'] as const,
      registers: [registry],
      async collect() {
        await read(sources.backlog, (rows) => {
          this.reset();
          for (const r of rows) this.set({ kind: r.kind, crm: r.crm, state: r.state }, r.count);
        });
      },
    }),
    backlogAge: new Gauge({
      name: 'backlog_oldest_age_seconds',
      help: 'Age of the oldest row still to do: kind route (an event not routed yet), waiting (a lead a full pool holds), writeback (an owner write not done); 0 when none',
      labelNames: ['kind'] as const,
      registers: [registry],
      async collect() {
        await read(sources.backlogAge, (a) => {
          this.set({ kind: 'route' }, a.unroutedEventSeconds ?? 0);
          this.set({ kind: 'waiting' }, a.waitingLeadSeconds ?? 0);
          this.set({ kind: 'writeback' }, a.pendingWriteSeconds ?? 0);
        });
      },
    }),
    queueJobs: new Gauge({
      name: 'queue_jobs',
      help: 'Jobs in the queue transport (BullMQ, or the in-process runner) by queue and state: waiting, active, delayed. Postgres holds the work; this is the nudges in flight',
      labelNames: ['queue', 'state'] as const,
      registers: [registry],
      async collect() {
        await read(sources.queueDepth, (rows) => {
          this.reset();
          for (const r of rows) this.set({ queue: r.queue, state: r.state }, r.count);
        });
      },
    }),
    configVersion: new Gauge({
      name: 'config_active_version',
      help: 'The routing and mapping config version this process routes with',
      registers: [registry],
      async collect() {
        await read(sources.configVersion, (v) => this.set(v));
      },
    }),
    buildInfo: new Gauge({
      name: 'build_info',
      help: 'Always 1; the labels say what runs: package version, Node version, commit (unknown unless BUILD_COMMIT was set)',
      labelNames: ['version', 'node', 'commit'] as const,
      registers: [registry],
    }),
    shed: new Counter({
      name: 'http_requests_shed_total',
      help: 'Requests refused with 503 OVERLOADED before any work, by the pressure that tripped (eventLoopDelay, eventLoopUtilization, heapUsedBytes, rssBytes, healthCheck)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    /** Where the scrape-time gauges read (the runtime wires the database, queue and config store in). */
    setSources(s: MetricSources) {
      Object.assign(sources, s);
    },
    /** The backlog's age for /readyz; undefined when nothing is wired (a bare app in a test). */
    async readBacklogAge(): Promise<BacklogAge | undefined> {
      return sources.backlogAge?.();
    },
  };
  m.buildInfo.set(
    { version: build?.version ?? 'unknown', node: process.version, commit: build?.commit ?? 'unknown' },
    1,
  );
  return m;
}

export type Metrics = ReturnType<typeof createMetrics>;
