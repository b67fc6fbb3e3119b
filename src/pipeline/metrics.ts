// Prometheus metrics for one process. A registry per process (not the global default) so
// tests can build several apps side by side.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Rows by kind (route = inbound events, writeback = outbox), CRM and state, as the backlog gauge reads them. */
export type BacklogSource = () => Promise<Array<{ kind: string; crm: string; state: 'pending' | 'retrying' | 'dead'; count: number }>>;

export function createMetrics() {
  const registry = new Registry();
  let backlogSource: BacklogSource | undefined;
  collectDefaultMetrics({ register: registry });
  const m = {
    registry,
    httpRequests: new Counter({ name: 'http_requests_total', help: 'HTTP requests answered', labelNames: ['method', 'route', 'status'] as const, registers: [registry] }),
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency',
      labelNames: ['method', 'route'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    eventsReceived: new Counter({ name: 'inbound_events_total', help: 'Inbound events by source and outcome', labelNames: ['source', 'outcome'] as const, registers: [registry] }),
    jobs: new Counter({ name: 'jobs_total', help: 'Job tries by queue and outcome', labelNames: ['queue', 'outcome'] as const, registers: [registry] }),
    jobDuration: new Histogram({
      name: 'job_duration_seconds',
      help: 'Job handler time',
      labelNames: ['queue'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers: [registry],
    }),
    leadsRouted: new Counter({ name: 'leads_routed_total', help: 'Routing decisions by outcome and reason', labelNames: ['outcome', 'reason'] as const, registers: [registry] }),
    writebacks: new Counter({ name: 'writebacks_total', help: 'Owner write-backs by CRM and outcome', labelNames: ['crm', 'outcome'] as const, registers: [registry] }),
    leadTimeToOwner: new Histogram({
      name: 'lead_time_to_owner_seconds',
      help: 'From the event stored at intake to the owner written in the CRM',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    swept: new Counter({ name: 'sweeper_requeued_total', help: 'Stored work re-enqueued by the sweeper', labelNames: ['queue'] as const, registers: [registry] }),
    ownershipChanges: new Counter({ name: 'ownership_changes_total', help: 'CRM owner changes by classification (echo, manual, stale, noop, unknown_record)', labelNames: ['crm', 'classification'] as const, registers: [registry] }),
    conflicts: new Counter({ name: 'ownership_conflicts_total', help: "A person's reassignments by policy and outcome", labelNames: ['policy', 'outcome'] as const, registers: [registry] }),
    slaBreaches: new Counter({ name: 'sla_breaches_total', help: 'SLA timers that ran out, by what the breach did (reassign, escalate, stop)', labelNames: ['action'] as const, registers: [registry] }),
    crmApiUsage: new Gauge({ name: 'crm_api_usage', help: "The CRM's own count of API calls used and allowed today (Salesforce Sforce-Limit-Info)", labelNames: ['crm', 'kind'] as const, registers: [registry] }),
    signatureFailures: new Counter({ name: 'webhook_signature_failures_total', help: 'Webhooks refused for their signature', labelNames: ['crm', 'code'] as const, registers: [registry] }),
    retriesScheduled: new Counter({ name: 'retries_scheduled_total', help: 'Failed tries given a next attempt in Postgres, by kind (route, writeback), CRM and error code', labelNames: ['kind', 'crm', 'code'] as const, registers: [registry] }),
    deadLetters: new Counter({ name: 'dead_letters_total', help: 'Rows given up (refused for good or retry horizon spent), by kind, CRM and error code', labelNames: ['kind', 'crm', 'code'] as const, registers: [registry] }),
    circuitState: new Gauge({ name: 'crm_circuit_state', help: "This process's circuit per CRM: 0 closed, 1 half-open (probing), 2 open (writes wait)", labelNames: ['crm'] as const, registers: [registry] }),
    // Read from Postgres at scrape time, so every process reports the same fleet-wide numbers.
    backlog: new Gauge({
      name: 'backlog_rows',
      help: 'Inbound events (kind route) and owner writes (kind writeback) by CRM and state: pending (not failed yet), retrying (next try scheduled), dead (dead letters, docs/failures.md)',
      labelNames: ['kind', 'crm', 'state'] as const,
      registers: [registry],
      async collect() {
        if (!backlogSource) return;
        try {
          const rows = await backlogSource();
          this.reset();
          for (const r of rows) this.set({ kind: r.kind, crm: r.crm, state: r.state }, r.count);
        } catch {
          // The database is down: keep the last values; /readyz says why.
        }
      },
    }),
    /** Where the backlog gauge reads its rows (the runtime wires the database in). */
    setBacklogSource(source: BacklogSource) {
      backlogSource = source;
    },
  };
  return m;
}

export type Metrics = ReturnType<typeof createMetrics>;
