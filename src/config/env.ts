// Parses process.env once, at the composition root. Nothing reads env elsewhere.
import { z } from 'zod';
import { Secret } from './secret.js';

const int = (def: number) => z.coerce.number().int().nonnegative().default(def);
const secrets = z
  .string()
  .optional()
  .transform((s) =>
    s
      ? s
          .split(',')
          .map((k) => k.trim())
          .filter(Boolean)
          .map((k) => new Secret(k))
      : [],
  );

const optionalSecret = z
  .string()
  .optional()
  .transform((s) => (s ? new Secret(s) : undefined));

export const envSchema = z.object({
  /** HTTP port for `serve` (and the embedded default). */
  PORT: int(3000),
  /** Interface to listen on; the container image sets 0.0.0.0. */
  HOST: z.string().default('127.0.0.1'),
  /** Postgres URL. Unset: embedded PGlite under DATA_DIR. */
  DATABASE_URL: z.string().url().optional(),
  /** Folder for the embedded PGlite database. */
  DATA_DIR: z.string().default('./data'),
  /** Connections in the Postgres pool per process. */
  DB_POOL_SIZE: int(20),
  /** Redis URL for BullMQ. Unset: in-process jobs inside `serve`. */
  REDIS_URL: z.string().url().optional(),
  /** Key prefix for BullMQ queues, so several deployments (or tests) can share one Redis. */
  QUEUE_PREFIX: z.string().min(1).default('lead-router'),
  /** Comma-separated API keys accepted on POST /v1/leads (x-api-key or Bearer). */
  INTAKE_API_KEYS: secrets,
  /** Web forms posting straight to POST /v1/forms/:source, as JSON or @path to a JSON/YAML file (docs/web-forms.md). Unset: none. */
  WEB_FORMS: z.string().optional(),
  /** Admin API tokens, comma-separated `role:token` with role viewer or editor. */
  ADMIN_TOKENS: z
    .string()
    .optional()
    .transform((s, ctx) => {
      const out: { role: 'viewer' | 'editor'; token: Secret }[] = [];
      for (const item of (s ?? '')
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)) {
        const [role, ...rest] = item.split(':');
        if ((role !== 'viewer' && role !== 'editor') || rest.join(':').length < 16) {
          ctx.addIssue({
            code: 'custom',
            message: 'each entry is viewer:<token> or editor:<token>, tokens of 16+ characters',
          });
          return z.NEVER;
        }
        out.push({ role, token: new Secret(rest.join(':')) });
      }
      return out;
    }),
  /** Per-rep tokens for the availability API, comma-separated `<repId>=<token>`: a rep may mark themselves away or back (PUT /v1/reps/<own id>/availability) and nothing else. */
  REP_TOKENS: z
    .string()
    .optional()
    .transform((s, ctx) => {
      const out: { repId: string; token: Secret }[] = [];
      for (const item of (s ?? '')
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)) {
        // Split at the first "=": rep ids cannot hold one, base64 tokens may end in them.
        const at = item.indexOf('=');
        const repId = item.slice(0, Math.max(at, 0));
        const token = item.slice(at + 1);
        if (at < 1 || token.length < 16) {
          ctx.addIssue({ code: 'custom', message: 'each entry is <repId>=<token>, tokens of 16+ characters' });
          return z.NEVER;
        }
        out.push({ repId, token: new Secret(token) });
      }
      return out;
    }),
  /** For `lead-router config`: the running service whose admin API takes the change (same as --url). */
  LEAD_ROUTER_URL: z.preprocess((v) => (v === '' ? undefined : v), z.string().url().optional()),
  /** For `lead-router config` through the admin API: an editor token (a viewer's is enough for export and diff). */
  LEAD_ROUTER_ADMIN_TOKEN: z
    .string()
    .optional()
    .transform((s) => (s ? new Secret(s) : undefined)),
  /** HubSpot connector config as JSON, or @path to a JSON/YAML file (see docs/connectors-hubspot.md). Unset: no HubSpot. */
  HUBSPOT_CONFIG: z.string().optional(),
  /** Salesforce connector config as JSON, or @path to a JSON/YAML file (see docs/connectors-salesforce.md). Unset: no Salesforce. */
  SALESFORCE_CONFIG: z.string().optional(),
  /** Public base URL the CRMs call (used to check URL-signed webhooks behind a proxy). Default: from the request. */
  PUBLIC_BASE_URL: z.string().url().optional(),
  /** Config file published as version 1 when the database has no active config yet. */
  CONFIG_FILE: z.string().default('fixtures/config/default.yaml'),
  /** Jobs held at once per process and queue. A routing batch can only hold jobs in hand, so keep it above ROUTE_BATCH_MAX. */
  WORKER_CONCURRENCY: int(100),
  /**
   * Most leads routed in one transaction (jobs waiting together are routed together), and most
   * events one intake route job carries (set it alike on serve and workers). Unset: 50 on
   * Postgres; 8 on PGlite, whose one connection intake waits on while a routing transaction runs.
   */
  ROUTE_BATCH_MAX: z.coerce.number().int().positive().optional(),
  /**
   * How long intake holds new events after its last route job so the leads arriving meanwhile share
   * the next job, in ms (a job costs ~25 Redis commands and a worker turn whatever it carries). A
   * lead that finds no job sent in that time goes at once. Unset: 10 with Redis, 0 with in-process jobs.
   * The ack never waits for it.
   */
  ROUTE_JOB_WINDOW_MS: z.coerce.number().int().nonnegative().optional(),
  /** Most owners written in one CRM call (HubSpot takes 100, Salesforce 200). */
  WRITE_BATCH_MAX: int(100),
  /**
   * The most a short routing batch waits to fill, in ms. Unset: no cap. Routing batches wait only
   * when it pays: to share one transaction (20 ms on Postgres, 50 on the embedded PGlite) when
   * leads arrive fast enough to fill that, and as long as the CRM's remaining API allowance asks
   * before the batch's record read (docs/architecture.md "Adaptive batching"). 0: never wait.
   */
  ROUTE_LINGER_MS: z.coerce.number().int().nonnegative().optional(),
  /**
   * The most a short owner-write batch waits to fill, in ms. Unset: no cap; a batch goes at once
   * while the CRM's API allowance is plentiful and waits as it runs down (full batches at the limit).
   */
  WRITE_LINGER_MS: z.coerce.number().int().nonnegative().optional(),
  /**
   * Tries per queue job when its handler throws as a whole (a database error), including the first.
   * Not a give-up point for a lead: after it the row's own schedule in Postgres takes over (docs/failures.md).
   */
  JOB_ATTEMPTS: int(8),
  /** Milliseconds before the first retry of a failed route or owner write; doubles per failure, +-20% jitter. Default 500. */
  RETRY_BASE_MS: int(500),
  /** Longest wait in milliseconds between two tries of one row (before a CRM's Retry-After, which may be longer). Default 60000 (1 min). */
  RETRY_MAX_MS: int(60_000),
  /** Milliseconds a row keeps being retried after its first failure before it becomes a dead letter. Default 259200000 (72 h, like the CRMs' own webhook retries). */
  RETRY_HORIZON_MS: int(259_200_000),
  /** Consecutive whole-call retryable failures of one CRM that open its circuit (its writes wait). Default 5. */
  CIRCUIT_FAILURES: z.coerce.number().int().positive().default(5),
  /** Milliseconds an open circuit waits before one probe write is let through. Default 30000. */
  CIRCUIT_OPEN_MS: int(30_000),
  /** A job held this long by a dead worker is handed to another. */
  JOB_LOCK_MS: int(30_000),
  /** How often the sweeper looks for stored-but-unfinished work, and how old it must be. */
  SWEEP_INTERVAL_MS: int(5_000),
  SWEEP_AFTER_MS: int(30_000),
  /** Account mirror (docs/accounts.md): how often webhook-named account changes are applied, and each index follows the mirror (also before every routing batch). */
  ACCOUNT_CHANGES_INTERVAL_MS: int(1_000),
  /** How often each CRM's mirror is synced incrementally (0 = never; after an initial load only). Default 15 minutes. */
  ACCOUNT_SYNC_INTERVAL_MS: int(15 * 60_000),
  /** How often a full sync reconciles the mirror with the CRM (deleted accounts; 0 = never). Default 24 hours. */
  ACCOUNT_RECONCILE_INTERVAL_MS: int(24 * 60 * 60_000),
  /** How often one worker lists the CRMs' users and marks reps of deactivated ones away (docs/accounts.md; 0 = never). Default 5 minutes. */
  CRM_USER_SYNC_INTERVAL_MS: int(5 * 60_000),
  /**
   * Retention (docs/operations.md): finished events' raw payloads are purged and leads anonymized
   * (their decisions kept) this many days after they were received/created. Unset or 0: kept forever.
   */
  RETENTION_DAYS: int(0),
  /** How often a worker runs retention, and the most rows one batch touches (one short transaction each). */
  RETENTION_INTERVAL_MS: z.coerce.number().int().positive().default(3_600_000),
  RETENTION_BATCH: z.coerce.number().int().positive().max(10_000).default(500),
  /** Largest accepted request body. */
  BODY_LIMIT_BYTES: int(256 * 1024),
  /**
   * Longest a client may take to send a whole request, headers and body; then 408 and its socket
   * is closed, so slow or stalled bodies (authenticated or not) cannot hold sockets. 0 turns it off.
   */
  REQUEST_TIMEOUT_MS: int(10_000),
  /** A socket with no bytes either way for this long is closed; keep it above the slowest request. 0 turns it off. */
  CONNECTION_TIMEOUT_MS: int(120_000),
  /** Idle keep-alive sockets close after this; keep it above the load balancer's idle timeout (AWS ALB: 60 s). */
  KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().positive().default(72_000),
  /** Port for the worker's /healthz, /readyz and /metrics; 0 turns it off. */
  WORKER_PORT: int(3001),
  /** Longest a graceful shutdown waits for in-flight requests and jobs. */
  SHUTDOWN_TIMEOUT_MS: int(25_000),
  /**
   * Load shedding (docs/operations.md): past any of these, requests other than /healthz, /readyz and
   * /metrics are answered 503 OVERLOADED with Retry-After before any work, and /readyz says why.
   * Mean event-loop delay over the last second, in ms. Default 1000; 0 turns it off.
   */
  SHED_EVENT_LOOP_DELAY_MS: int(1_000),
  /** Event-loop utilization over the last second, 0..1 (0.98: the loop is never idle). Default 0: off. */
  SHED_EVENT_LOOP_UTILIZATION: z.coerce.number().min(0).max(1).default(0),
  /** V8 heap used, in bytes; set it near the heap limit (--max-old-space-size). Default 0: off. */
  SHED_HEAP_USED_BYTES: int(0),
  /** Resident memory, in bytes; set it below the container's memory limit. Default 0: off. */
  SHED_RSS_BYTES: int(0),
  /** Slack bot token (xoxb-...) for notifications (docs/notifications.md); needs users:read.email, im:write, chat:write, channels:history, im:history. Unset: no Slack. */
  SLACK_BOT_TOKEN: optionalSecret,
  /** Slack Web API base URL; a local stand-in's in tests. */
  SLACK_API_URL: z.string().url().default('https://slack.com/api/'),
  /** SMTP server for email notifications, smtp://host:port or smtps://host:port (no credentials in it). Unset: no email. */
  SMTP_URL: z.string().url().optional(),
  SMTP_USER: z.string().optional(),
  /** Password for SMTP_USER. */
  SMTP_PASSWORD: optionalSecret,
  /** The From address of email notifications. */
  SMTP_FROM: z.string().min(3).default('lead-router@localhost'),
  /** Signing secret of outbound webhooks (Standard Webhooks: whsec_ + base64, 24-64 bytes). Unset: no webhooks. */
  WEBHOOK_SIGNING_SECRET: optionalSecret.refine(
    (s) => s === undefined || /^(whsec_)?[A-Za-z0-9+/]{32,}={0,2}$/.test(s.reveal()),
    'must be whsec_ followed by base64 (at least 24 bytes)',
  ),
  /** Longest one notification send may take (Slack call, SMTP session, webhook request), in ms. Default 10000. */
  NOTIFY_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** The commit this build is of, reported in the build_info metric (the image build passes it). Unset: "unknown". */
  BUILD_COMMIT: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = Readonly<z.infer<typeof envSchema>>;

/** Development key accepted only by the embedded default when no key is configured. */
export const devApiKey = 'dev-local-key';

/** A blank value (`PORT=` in a compose or unit file) means unset, not "set to nothing". */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = envSchema.safeParse(
    Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v.trim() !== '')),
  );
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`invalid environment:\n${lines}`);
  }
  return Object.freeze(parsed.data);
}
