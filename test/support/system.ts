// The real service in-process: real Postgres, real BullMQ, the real fastify app.
import type { CrmConnector } from '../../src/connector.js';
import type { CrmName } from '../../src/lead/index.js';
import { parseEnv, parseWebForms, Secret, type Env } from '../../src/config/index.js';
import { buildApp } from '../../src/http/index.js';
import { testLogger } from './test-logs.js';
import { until } from './until.js';
import { openDatabase, openRuntime, type Runtime } from '../../src/runtime.js';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import {
  clearQueuePrefix,
  createTestDatabase,
  requireServices,
  sqlClient,
  uniquePrefix,
  type TestDatabase,
} from './services.js';

export const testApiKey = 'test-key-0123456789';

export function testEnv(databaseUrl: string, overrides: Record<string, string> = {}): Env {
  return parseEnv({
    DATABASE_URL: databaseUrl,
    REDIS_URL: requireServices().redisUrl,
    QUEUE_PREFIX: uniquePrefix(),
    INTAKE_API_KEYS: testApiKey,
    LOG_LEVEL: 'silent',
    JOB_LOCK_MS: '2000',
    SWEEP_INTERVAL_MS: '200',
    SWEEP_AFTER_MS: '1000',
    RETRY_BASE_MS: '20',
    RETRY_MAX_MS: '200',
    // A test process starved of CPU by the rest of the suite must not shed its own requests;
    // shedding has its own test (test/unit/http/load-shedding.test.ts).
    SHED_EVENT_LOOP_DELAY_MS: '0',
    ...overrides,
  });
}

export interface TestSystem {
  rt: Runtime;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** A settable clock: the runtime reads `at` whenever it asks for the time. */
export interface Clock {
  at: Date;
}

export interface SystemOptions {
  /** Also run the job handlers and the sweeper in this process. */
  working?: boolean;
  /** Migrate the database first. */
  migrate?: boolean;
  /** Stand-ins in place of (or beside) the connectors the env configures. */
  connectors?: Partial<Record<CrmName, CrmConnector>>;
  /** The runtime's clock; real time when absent. */
  clock?: Clock;
  /** Sees every route as it is registered (test/integration/openapi.test.ts). */
  onRoute?: (route: RouteOptions) => void;
}

/** A serving process (the one starter of the integration tests): runtime + app, and the workers if `working`. */
export async function startSystem(env: Env, opts: SystemOptions = {}): Promise<TestSystem> {
  // At trace, to this test file's log (scanned for credentials after the suite), whatever LOG_LEVEL says.
  const logger = testLogger();
  if (opts.migrate) {
    const db = await openDatabase(env);
    await db.migrate();
    await db.close();
  }
  const clock = opts.clock;
  const rt = await openRuntime(env, {
    logger,
    connectors: opts.connectors,
    ...(clock ? { now: () => new Date(clock.at.getTime()) } : {}),
  });
  const app = buildApp({
    logger,
    metrics: rt.deps.metrics,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    checks: [{ name: 'database', check: () => rt.dbHandle.ping() }],
    isShuttingDown: () => false,
    intake: {
      pipeline: rt.deps,
      env,
      apiKeys: env.INTAKE_API_KEYS.length ? env.INTAKE_API_KEYS : [new Secret(testApiKey)],
      webForms: parseWebForms(env.WEB_FORMS, env.INTAKE_API_KEYS),
    },
    ...(opts.onRoute && { onRoute: opts.onRoute }),
  });
  await app.ready();
  if (opts.working) void rt.startWorking();
  return {
    rt,
    app,
    async close() {
      await app.close();
      await rt.close();
    },
  };
}

export type SqlClient = Awaited<ReturnType<typeof sqlClient>>;

/** What a test file's system is started with; `env` overrides testEnv's defaults. */
export interface SystemSetup extends SystemOptions {
  env?: Record<string, string>;
  /** Runs after the system stopped (stand-ins it talked to close here, not before it). */
  after?: () => Promise<void> | void;
}

/** The system of one test file, valid inside its tests (after its beforeAll). */
export interface TestSystemFixture extends TestSystem {
  /** The file's own database. */
  readonly db: TestDatabase;
  /** A client on it, for assertions on the tables. */
  readonly sql: SqlClient;
}

/**
 * The start/stop block of an integration test file: before its tests, a database of its own and
 * a system on it (`setup` runs first, in beforeAll, so it may start stand-ins the env names);
 * after them, the system closed, its queue prefix cleared, the SQL client ended and the database
 * dropped. Register it before the file's own hooks: it then starts first and stops last.
 */
export function useTestSystem(setup: () => SystemSetup | Promise<SystemSetup> = () => ({})): TestSystemFixture {
  let started: { db?: TestDatabase; sys?: TestSystem; sql?: SqlClient; after?: SystemSetup['after'] } | undefined;
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined)
      throw new Error(`the test system's ${what} is used outside its tests (before beforeAll or after afterAll)`);
    return v;
  };
  beforeAll(async () => {
    started = {};
    const { env, after, ...options } = await setup();
    started.after = after;
    const db = (started.db = await createTestDatabase());
    started.sys = await startSystem(testEnv(db.url, env), options);
    started.sql = await sqlClient(db.url);
  });
  afterAll(async () => {
    const s = started;
    started = undefined;
    if (!s) return;
    await s.sys?.close();
    if (s.sys) await cleanupQueue(s.sys.rt.env);
    await s.sql?.end();
    await s.db?.drop();
    await s.after?.();
  });
  return {
    get rt() {
      return need(started?.sys, 'runtime').rt;
    },
    get app() {
      return need(started?.sys, 'app').app;
    },
    get db() {
      return need(started?.db, 'database');
    },
    get sql() {
      return need(started?.sql, 'SQL client');
    },
    close: async () => started?.sys?.close(),
  };
}

export async function cleanupQueue(env: Env): Promise<void> {
  await clearQueuePrefix(env.QUEUE_PREFIX);
}

export function leadBody(key: string, lead: Record<string, unknown> = {}) {
  return { source: 'web-form', idempotencyKey: key, lead: { email: `${key}@acme.example`, country: 'DE', ...lead } };
}

/** POST /v1/leads of leadBody(key, lead) with the test API key; it must be taken (202). Answers the event id. */
export async function postLead(app: FastifyInstance, key: string, lead: Record<string, unknown> = {}): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/leads',
    headers: { 'x-api-key': testApiKey },
    payload: leadBody(key, lead),
  });
  expect(res.statusCode, res.body).toBe(202);
  return res.json().eventId;
}

/** Waits until every API lead of these idempotency keys (postLead) has its owner written back. */
export async function untilApiLeadsWritten(sql: Awaited<ReturnType<typeof sqlClient>>, keys: string[]): Promise<void> {
  await until(
    async () =>
      (
        await sql.rows(
          `select 1 from outbox o join leads l on l.id = o.lead_id
           where (l.crm, l.object_type) = ('api', 'lead') and l.record_id = any($1) and o.status = 'done'`,
          [keys],
        )
      ).length === keys.length,
    { what: `the ${keys.length} leads routed and written` },
  );
}
