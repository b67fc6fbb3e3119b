import type { AccountMatcher } from '../accounts/types.js';
import type { CrmConnector } from '../connector.js';
import type { Db } from '../db/index.js';
import type { CrmName } from '../lead/index.js';
import type { Logger } from '../logger.js';
import type { JobQueue } from '../queue/index.js';
import type { Notifiers } from '../notify/index.js';
import type { ConfigStore } from './config-store.js';
import type { Metrics } from './metrics.js';
import type { IntegrationIdentity } from '../sync/index.js';
import type { Circuits } from './circuit.js';
import type { RetrySchedule } from './retry-schedule.js';

/** How failed tries are rescheduled and when a CRM is left alone (docs/failures.md). */
export interface Durability {
  schedule: RetrySchedule;
  circuits: Circuits;
  random: () => number;
  /** How long a write-back job holds the rows it claimed before another may take them (a worker died mid-call). */
  leaseMs: number;
  /** How long a notification send holds its row: past the longest a send can take (its timeouts), so only a dead worker's send is tried again. Default: leaseMs. */
  notifyLeaseMs?: number;
  /** The longest one send may take before it counts as failed (NOTIFY_TEMPORARY). Default 10000. */
  notifyTimeoutMs?: number;
}

export interface PipelineDeps {
  db: Db;
  queue: JobQueue;
  configs: ConfigStore;
  connectors: Partial<Record<CrmName, CrmConnector>>;
  logger: Logger;
  metrics: Metrics;
  /** The only clock the pipeline reads; routing gets `now` from here. */
  now: () => Date;
  /** How our own owner writes show up in CRM events (echo by origin, docs/sync.md); absent = echoes match by value only. */
  identity?: IntegrationIdentity;
  /** Retry schedule and CRM circuits; absent = the defaults (docs/failures.md). */
  durability?: Durability;
  /** The notification channels env configures (Slack, SMTP, webhooks); absent: notifications wait as NOTIFY_NOT_CONFIGURED dead letters. */
  notifiers?: Notifiers;
  /** CRM accounts mirrored in memory for lead-to-account matching (docs/accounts.md); absent = config accounts only. */
  accounts?: AccountMatcher;
  /**
   * Most new events one route job carries (ROUTE_BATCH_MAX): a job is never more than one routing
   * batch, so jobs spread over the workers as routing batches do. Absent: routeJobMaxEvents.
   */
  routeJobEvents?: number;
  /**
   * ROUTE_JOB_WINDOW_MS: new events wait at most this long after the last route job for the next
   * one, so leads arriving together share a job (route-nudge.ts). Absent: 0 (each turn's events).
   */
  routeJobWindowMs?: number;
  /**
   * The same window for API leads (POST /v1/leads, web forms); absent: routeJobWindowMs. Their
   * routing reads no CRM record, so nothing downstream paces them and their job may wait longer
   * for company: ROUTE_JOB_WINDOW_MS when set, else 30 ms with Redis. A CRM event keeps the short
   * window: one held past a record-read slot waits a whole slot more (HubSpot at 200 leads/s, 105
   * ms). bench:intake at 1,000 leads/s, 30 vs 10 ms (3 runs vs 2, before its warm-up was 5 s at
   * the full rate; the ratio itself is ~2.3 since): ack p99 vs baseline, median of all pairs, 1.57 vs 1.78; service ack p99 5.3-5.4 vs 6.2 / 7.5 ms; CPU per lead 0.62-0.67 vs
   * 0.69 / 0.68 ms; Redis commands per lead 2.0 vs 6.2; intake -> owner written p50 44 vs 24 ms,
   * p99 65 vs 46 ms.
   */
  apiRouteJobWindowMs?: number;
}
