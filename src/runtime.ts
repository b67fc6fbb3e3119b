// Wires one process from its env: database, queue, connectors, pipeline. Used by cli.ts and
// by tests that need the real thing in-process. The only place that knows which connectors exist.
// The CRM connectors, the notification channels and BullMQ are imported when env configures
// them, not up front: their SDKs (jsforce, @hubspot/api-client, @slack/web-api, nodemailer,
// bullmq + ioredis) are ~18 MB of heap the embedded default, which uses none of them, kept.
import { createLogOnlyConnector } from '../connectors/log-only/index.js';
import type { SalesforceConnector } from '../connectors/salesforce/index.js';
import type { Notifiers } from './notify/index.js';
import { parseConfigDocument, readConfigFile, readConnectorConfig, type Env } from './config/index.js';
import type { CrmConnector } from './connector.js';
import {
  backlogAge,
  bootstrapConfig,
  countBacklog,
  getActiveVersionNumber,
  openPglite,
  openPostgres,
  type DbHandle,
} from './db/index.js';
import type { CrmName } from './lead/index.js';
import { createLogger, type Logger } from './logger.js';
import { readBuildInfo } from './build-info.js';
import { createAccountIndex } from './accounts/account-index.js';
import {
  createCircuits,
  createConfigStore,
  createMetrics,
  jobEvents,
  jobHandlers,
  workerBatchLimits,
  retryPolicy,
  loadAccountIndex,
  runWhileLeader,
  startConnectorStreams,
  startFollowingMirror,
  startMirrorUpkeep,
  startSweeper,
  flushRouteNudges,
  startCrmUserSync,
  ownerListsOf,
  type Leadership,
  startRetention,
  type PipelineDeps,
} from './pipeline/index.js';
import { createInProcessQueue, type JobQueue } from './queue/index.js';
import type { IntegrationIdentity } from './sync/index.js';

/**
 * How our own owner writes show up in CRM events (docs/sync.md): each CRM's configured connector
 * answers for its events (HubSpot app id, Salesforce call-options client). The configured ones,
 * not stand-ins passed to openRuntime: the config says who we are in the CRM.
 */
function syncIdentity(configured: Partial<Record<CrmName, CrmConnector>>): IntegrationIdentity {
  return { isOwnWrite: (change) => configured[change.record.crm]?.isOwnWrite?.(change) ?? false };
}

/** The Postgres advisory lock the connector streams' leader holds ("LR" 0001). */
const streamsLeaseKey = 0x4c520001;
/** The lock of the account mirror's upkeep (webhook-named changes, periodic syncs): "LR" 0002. */
const mirrorLeaseKey = 0x4c520002;
/** The lock of the periodic CRM user check (reps of deactivated CRM users marked away): "LR" 0003. */
const crmUsersLeaseKey = 0x4c520003;

export interface Runtime {
  env: Env;
  /** The Salesforce connector with its streaming and polling entry points, when configured. */
  salesforce?: SalesforceConnector;
  deps: PipelineDeps;
  dbHandle: DbHandle;
  queue: JobQueue;
  logger: Logger;
  /**
   * Starts job handlers and the sweeper in this process at once, and the connector streams
   * (Salesforce CDC / polling, as configured) if this process leads (one per database); resolves
   * when the streams made their first start, or another process was found leading.
   * Never rejects: a stream that fails is logged and retried, so callers may leave it unawaited.
   */
  startWorking(): Promise<void>;
  close(): Promise<void>;
}

/** The CRM connectors HUBSPOT_CONFIG / SALESFORCE_CONFIG name (the CLI's config commands use them too). */
export async function crmConnectorsFromEnv(
  env: Env,
  logger: Logger,
  onSalesforceLimit?: (u: { used: number; limit: number }) => void,
) {
  const hubspotRaw = readConnectorConfig('HUBSPOT_CONFIG', env.HUBSPOT_CONFIG);
  const salesforceRaw = readConnectorConfig('SALESFORCE_CONFIG', env.SALESFORCE_CONFIG);
  const hs = hubspotRaw ? await import('../connectors/hubspot/index.js') : undefined;
  const sf = salesforceRaw ? await import('../connectors/salesforce/index.js') : undefined;
  // Parsed here, typed from here on: CONFIG_INVALID names the path of a bad setting.
  const hubspotConfig = hs && hs.parseHubSpotConfig(hubspotRaw);
  const salesforceConfig = sf && sf.parseSalesforceConfig(salesforceRaw);
  return {
    hubspotConfig,
    salesforceConfig,
    hubspot: hs && hubspotConfig ? hs.createHubSpotConnector(hubspotConfig) : undefined,
    salesforce:
      sf && salesforceConfig
        ? sf.createSalesforceConnector(salesforceConfig, { logger, onLimitInfo: onSalesforceLimit })
        : undefined,
  };
}

/** The notification channels env configures (docs/notifications.md); a channel without its env has none. */
/** Leads per routing transaction: ROUTE_BATCH_MAX, else 50 on Postgres and 8 on PGlite (env.ts). */
const routeBatchMax = (env: Env, embedded: boolean) => env.ROUTE_BATCH_MAX ?? (embedded ? 8 : 50);

export async function notifiersFromEnv(env: Env, now: () => Date): Promise<Notifiers> {
  if (!env.SLACK_BOT_TOKEN && !env.SMTP_URL && !env.WEBHOOK_SIGNING_SECRET) return {};
  const { createNotifiers } = await import('../notifiers/index.js');
  const timeoutMs = env.NOTIFY_TIMEOUT_MS;
  return createNotifiers({
    slack: env.SLACK_BOT_TOKEN && { token: env.SLACK_BOT_TOKEN, apiUrl: env.SLACK_API_URL, timeoutMs },
    email: env.SMTP_URL
      ? { url: env.SMTP_URL, user: env.SMTP_USER, password: env.SMTP_PASSWORD, from: env.SMTP_FROM, timeoutMs }
      : undefined,
    webhook: env.WEBHOOK_SIGNING_SECRET && { secret: env.WEBHOOK_SIGNING_SECRET, timeoutMs, now },
  });
}

/** `command` names this process in the embedded data folder's lock, for the message a second process prints. */
export async function openDatabase(env: Env, command?: string): Promise<DbHandle> {
  return env.DATABASE_URL
    ? openPostgres(env.DATABASE_URL, { poolSize: env.DB_POOL_SIZE })
    : openPglite(env.DATA_DIR, command);
}

/** Publishes CONFIG_FILE as version 1 when the database has no active config. */
export async function ensureConfig(dbHandle: DbHandle, env: Env, logger: Logger): Promise<void> {
  if ((await getActiveVersionNumber(dbHandle.db)) !== undefined) return;
  const parsed = parseConfigDocument(await readConfigFile(env.CONFIG_FILE));
  if (!parsed.ok)
    throw new Error(
      `${env.CONFIG_FILE} is not a valid config:\n${parsed.errors.map((e) => `  ${e.path}: ${e.message}`).join('\n')}`,
    );
  await bootstrapConfig(dbHandle.db, parsed.doc, 'bootstrap', `initial config from ${env.CONFIG_FILE}`);
  logger.info({ file: env.CONFIG_FILE, warnings: parsed.warnings.length }, 'published the config file as version 1');
  for (const w of parsed.warnings) logger.warn({ file: env.CONFIG_FILE, path: w.path }, `config warning: ${w.message}`);
}

export async function openRuntime(
  env: Env,
  opts: {
    logger?: Logger;
    now?: () => Date;
    connectors?: Partial<Record<CrmName, CrmConnector>>;
    command?: string;
  } = {},
): Promise<Runtime> {
  const logger = opts.logger ?? createLogger({ level: env.LOG_LEVEL });
  const now = opts.now ?? (() => new Date());
  const dbHandle = await openDatabase(env, opts.command);
  if (dbHandle.kind === 'pglite') await dbHandle.migrate(); // the embedded default needs no setup step
  await ensureConfig(dbHandle, env, logger);

  const retry = retryPolicy(env.JOB_ATTEMPTS, { baseMs: env.RETRY_BASE_MS, maxMs: env.RETRY_MAX_MS, jitter: 0.2 });
  const queue = env.REDIS_URL
    ? (await import('./queue/bullmq-queue.js')).createBullQueue({
        redisUrl: env.REDIS_URL,
        prefix: env.QUEUE_PREFIX,
        retry,
        lockDurationMs: env.JOB_LOCK_MS,
      })
    : createInProcessQueue({ retry });
  const metrics = createMetrics(readBuildInfo(env.BUILD_COMMIT));
  const { hubspot, salesforce } = await crmConnectorsFromEnv(env, logger, (u) => {
    metrics.crmApiUsage.set({ crm: 'salesforce', kind: 'used' }, u.used);
    metrics.crmApiUsage.set({ crm: 'salesforce', kind: 'limit' }, u.limit);
  });
  const connectors: Partial<Record<CrmName, CrmConnector>> = {
    api: createLogOnlyConnector(logger),
    ...(hubspot ? { hubspot } : {}),
    ...(salesforce ? { salesforce } : {}),
    ...opts.connectors,
  };
  // The account index is filled from the mirror before anything routes (docs/accounts.md), and
  // follows the mirror from a snapshot taken before the load (src/pipeline/account-follow.ts).
  const accounts = createAccountIndex();
  const indexed = await loadAccountIndex(dbHandle.db, accounts);
  if (indexed > 0) logger.info({ accounts: indexed }, 'account index loaded from the mirror');
  const deps: PipelineDeps = {
    accounts,
    db: dbHandle.db,
    queue,
    configs: createConfigStore(dbHandle.db, { refreshMs: 1000, now: () => now().getTime() }),
    connectors,
    logger,
    metrics,
    now,
    notifiers: await notifiersFromEnv(env, now),
    identity: syncIdentity({ ...(hubspot ? { hubspot } : {}), ...(salesforce ? { salesforce } : {}) }),
    routeJobEvents: routeBatchMax(env, dbHandle.kind === 'pglite'),
    routeJobWindowMs: env.ROUTE_JOB_WINDOW_MS ?? (queue.kind === 'bullmq' ? 10 : 0),
    apiRouteJobWindowMs: env.ROUTE_JOB_WINDOW_MS ?? (queue.kind === 'bullmq' ? 30 : 0),
    durability: {
      schedule: { baseMs: env.RETRY_BASE_MS, maxMs: env.RETRY_MAX_MS, horizonMs: env.RETRY_HORIZON_MS, jitter: 0.2 },
      circuits: createCircuits({ failures: env.CIRCUIT_FAILURES, openMs: env.CIRCUIT_OPEN_MS }, () => now().getTime()),
      random: Math.random,
      // A write in flight longer than this is taken to be lost, as the sweeper's grace period says.
      leaseMs: env.SWEEP_AFTER_MS,
      // A send is bounded by its timeout (a Slack send is up to four calls); its lease outlasts that.
      notifyTimeoutMs: 4 * env.NOTIFY_TIMEOUT_MS,
      notifyLeaseMs: Math.max(env.SWEEP_AFTER_MS, 4 * env.NOTIFY_TIMEOUT_MS + 2_000),
    },
  };
  metrics.setSources({
    backlog: () => countBacklog(dbHandle.db),
    backlogAge: () => backlogAge(dbHandle.db),
    queueDepth: () => queue.depth(),
    configVersion: async () => (await deps.configs.get()).version,
  });

  let stopSweeper: (() => void) | undefined;
  let stopFollowing: (() => void) | undefined;
  let stopUpkeep: Leadership | undefined;
  let stopUserSync: Leadership | undefined;
  let stopRetention: (() => void) | undefined;
  let stopStreams: Promise<() => Promise<void>> | undefined;
  let drainWrites: (() => Promise<void>) | undefined;
  return {
    env,
    salesforce,
    deps,
    dbHandle,
    queue,
    logger,
    startWorking() {
      const embedded = dbHandle.kind === 'pglite';
      const jobs = jobHandlers(
        deps,
        workerBatchLimits({
          routeBatch: routeBatchMax(env, embedded),
          writeBatch: env.WRITE_BATCH_MAX,
          writeLingerMs: env.WRITE_LINGER_MS,
          routeLingerMs: env.ROUTE_LINGER_MS,
          embedded,
        }),
      );
      drainWrites = jobs.drain;
      queue.startWorkers(jobs.handlers, { concurrency: env.WORKER_CONCURRENCY, ...jobEvents(deps) });
      stopSweeper = startSweeper(deps, { intervalMs: env.SWEEP_INTERVAL_MS, olderThanMs: env.SWEEP_AFTER_MS });
      stopFollowing = startFollowingMirror(deps, accounts, env.ACCOUNT_CHANGES_INTERVAL_MS);
      if (Object.values(connectors).some((c) => c?.accounts))
        stopUpkeep = runWhileLeader({
          name: 'account-mirror',
          tryLease: () => dbHandle.tryLease(mirrorLeaseKey),
          start: async () =>
            startMirrorUpkeep(deps, {
              changesIntervalMs: env.ACCOUNT_CHANGES_INTERVAL_MS,
              syncIntervalMs: env.ACCOUNT_SYNC_INTERVAL_MS,
              reconcileIntervalMs: env.ACCOUNT_RECONCILE_INTERVAL_MS,
            }),
          retryMs: 5_000,
          logger,
        });
      // One worker of the fleet checks the CRMs' users (docs/accounts.md "Reps from the CRM").
      const userLists = ownerListsOf(connectors, { background: true, usersOnly: true });
      if (env.CRM_USER_SYNC_INTERVAL_MS > 0 && Object.keys(userLists).length > 0)
        stopUserSync = runWhileLeader({
          name: 'crm-users',
          tryLease: () => dbHandle.tryLease(crmUsersLeaseKey),
          start: async () => startCrmUserSync(deps, userLists, env.CRM_USER_SYNC_INTERVAL_MS),
          retryMs: 5_000,
          logger,
        });
      // Every worker runs retention: its batches skip rows another worker holds (docs/operations.md).
      if (env.RETENTION_DAYS > 0)
        stopRetention = startRetention(deps, {
          days: env.RETENTION_DAYS,
          batch: env.RETENTION_BATCH,
          intervalMs: env.RETENTION_INTERVAL_MS,
        });
      // One worker of the fleet runs the streams (docs/architecture.md "Leadership").
      const streaming = salesforce && (salesforce.streams.cdc || salesforce.streams.poll) ? [salesforce] : [];
      if (streaming.length === 0) return Promise.resolve();
      const leader = runWhileLeader({
        name: 'connector-streams',
        tryLease: () => dbHandle.tryLease(streamsLeaseKey),
        start: () => startConnectorStreams(deps, { connectors: streaming }),
        retryMs: 5_000,
        logger,
      });
      stopStreams = leader.ready.then(() => () => leader.stop());
      return leader.ready;
    },
    async close() {
      stopSweeper?.();
      stopFollowing?.();
      await stopUpkeep?.stop();
      await stopUserSync?.stop();
      stopRetention?.();
      await (
        await stopStreams
      )?.(); // no new events before the queue and database close
      await flushRouteNudges(deps); // route jobs intake still held back for their window
      await queue.close();
      await drainWrites?.(); // owner writes handed over by routing jobs that just finished
      await dbHandle.close();
    },
  };
}
