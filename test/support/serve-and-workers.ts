// The crash tests' setup: a database of the file's own, a system that only serves (no job runs in
// the test's process) and `lead-router worker` child processes on the same database and queue, for
// the test to SIGKILL mid-job. Everything is stopped and dropped after the file's tests.
import { afterAll, beforeAll } from 'vitest';
import type { Env } from '../../src/config/index.js';
import { childEnv, spawnCli, type CliProcess } from './cli.js';
import { clearQueuePrefix, createTestDatabase, sqlClient, type TestDatabase } from './services.js';
import { startSystem, testApiKey, testEnv, type SqlClient, type TestSystem } from './system.js';

export interface ServeAndWorkers {
  readonly tdb: TestDatabase;
  /** The serving system: posts go here. */
  readonly intake: TestSystem;
  readonly env: Env;
  readonly sql: SqlClient;
  /** Starts a worker process with the shared settings and `extra` (killed after the tests, if still running). */
  worker(extra?: Record<string, string>): CliProcess;
}

/** `setup` runs first (stand-ins to start) and answers the serving env's overrides; `after` runs last. */
export function useServeAndWorkers(
  setup: () => Promise<Record<string, string>> | Record<string, string> = () => ({}),
  after: () => Promise<void> | void = () => {},
): ServeAndWorkers {
  let s: { tdb: TestDatabase; intake: TestSystem; env: Env; sql: SqlClient } | undefined;
  let tdb: TestDatabase | undefined;
  let intake: TestSystem | undefined;
  let env: Env | undefined;
  let sql: SqlClient | undefined;
  const children: CliProcess[] = [];
  beforeAll(async () => {
    const overrides = await setup();
    tdb = await createTestDatabase();
    env = testEnv(tdb.url, overrides);
    intake = await startSystem(env, { migrate: true });
    sql = await sqlClient(tdb.url);
    s = { tdb, intake, env, sql };
  });
  afterAll(async () => {
    for (const c of children) c.child.kill('SIGKILL');
    await intake?.close();
    if (env) await clearQueuePrefix(env.QUEUE_PREFIX);
    await sql?.end();
    await tdb?.drop();
    await after();
  });
  const need = () => {
    if (!s) throw new Error('the serve-and-workers fixture is used outside its tests');
    return s;
  };
  return {
    get tdb() {
      return need().tdb;
    },
    get intake() {
      return need().intake;
    },
    get env() {
      return need().env;
    },
    get sql() {
      return need().sql;
    },
    worker(extra = {}) {
      const { tdb: db, env: e } = need();
      const c = spawnCli(
        ['worker'],
        childEnv({
          DATABASE_URL: db.url,
          REDIS_URL: e.REDIS_URL!,
          QUEUE_PREFIX: e.QUEUE_PREFIX,
          INTAKE_API_KEYS: testApiKey,
          LOG_LEVEL: 'trace',
          WORKER_PORT: '0',
          JOB_LOCK_MS: '1500',
          RETRY_BASE_MS: '50',
          ...extra,
        }),
      );
      children.push(c);
      return c;
    },
  };
}
