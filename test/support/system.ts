// The real service in-process: real Postgres, real BullMQ, the real fastify app.
import type { CrmConnector } from '../../src/connector.js';
import type { CrmName } from '../../src/lead/index.js';
import { parseEnv, Secret, type Env } from '../../src/config/index.js';
import { buildApp } from '../../src/http/index.js';
import { testLogger } from './test-logs.js';
import { openRuntime, type Runtime } from '../../src/runtime.js';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { clearQueuePrefix, requireServices, uniquePrefix } from './services.js';

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

/** A serving process; `working` also runs the job handlers and the sweeper in it. */
export async function startSystem(env: Env, opts: { working?: boolean; migrate?: boolean; connectors?: Partial<Record<CrmName, CrmConnector>>; onRoute?: (route: RouteOptions) => void } = {}): Promise<TestSystem> {
  // At trace, to this test file's log (scanned for credentials after the suite), whatever LOG_LEVEL says.
  const logger = testLogger();
  if (opts.migrate) {
    const { openDatabase } = await import('../../src/runtime.js');
    const db = await openDatabase(env);
    await db.migrate();
    await db.close();
  }
  const rt = await openRuntime(env, { logger, connectors: opts.connectors });
  const app = buildApp({
    logger,
    metrics: rt.deps.metrics,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    checks: [{ name: 'database', check: () => rt.dbHandle.ping() }],
    isShuttingDown: () => false,
    intake: { pipeline: rt.deps, env, apiKeys: env.INTAKE_API_KEYS.length ? env.INTAKE_API_KEYS : [new Secret(testApiKey)] },
    ...(opts.onRoute && { onRoute: opts.onRoute }),
  });
  await app.ready();
  if (opts.working) rt.startWorking();
  return {
    rt,
    app,
    async close() {
      await app.close();
      await rt.close();
    },
  };
}

export async function cleanupQueue(env: Env): Promise<void> {
  await clearQueuePrefix(env.QUEUE_PREFIX);
}

export function leadBody(key: string, lead: Record<string, unknown> = {}) {
  return { source: 'web-form', idempotencyKey: key, lead: { email: `${key}@acme.example`, country: 'DE', ...lead } };
}
