// Prometheus metrics for one process. A registry per process (not the global default) so
// tests can build several apps side by side.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
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
  };
  return m;
}

export type Metrics = ReturnType<typeof createMetrics>;
