// Real Postgres and Redis for integration tests: a fresh database and queue prefix per test
// file, dropped afterwards. DATABASE_URL / REDIS_URL come from .ci/services.sh.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import { until } from './until.js';

export function requireServices(): { databaseUrl: string; redisUrl: string } {
  const databaseUrl = process.env.DATABASE_URL;
  const redisUrl = process.env.REDIS_URL;
  if (!databaseUrl || !redisUrl)
    throw new Error('integration tests need DATABASE_URL and REDIS_URL: run `bash .ci/test` or `. .ci/services.sh`');
  return { databaseUrl, redisUrl };
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const { databaseUrl } = requireServices();
  const name = `lr_test_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export function uniquePrefix(): string {
  return `lrtest-${randomBytes(4).toString('hex')}`;
}

/** Removes every key of a test's queue prefix. */
export async function clearQueuePrefix(prefix: string): Promise<void> {
  const redis = new Redis(requireServices().redisUrl);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
}

/** A plain SQL client for assertions on the tables (tests may read; the app's SQL lives in src/db). */
export async function sqlClient(
  url: string,
): Promise<pg.Client & { rows<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]> }> {
  const c = new pg.Client({ connectionString: url }) as pg.Client & {
    rows<T>(text: string, params?: unknown[]): Promise<T[]>;
  };
  // Tests that stop their own Postgres poll it with these: a server going away while this client
  // sits between queries must fail its next query, not surface as an uncaught 'error' event.
  c.on('error', () => {});
  await c.connect();
  c.rows = async (text, params) => (await c.query(text, params as unknown[])).rows;
  return c;
}

/**
 * Waits until no other connection to this client's database is left: a backend flushes its table
 * counters (pg_stat_user_tables) as it exits, before it leaves pg_stat_activity, but it exits after
 * the pool that closed it has returned. Read too early, a test saw idx_scan 0 for a path that had
 * just read by index.
 */
export async function untilOtherBackendsGone(
  sql: Awaited<ReturnType<typeof sqlClient>>,
  timeoutMs = 10_000,
): Promise<void> {
  await until(
    async () => {
      const [r] = await sql.rows<{ n: string }>(
        `select count(*) n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`,
      );
      return Number(r!.n) === 0;
    },
    { timeoutMs, intervalMs: 20, what: 'the other connections to the database to exit' },
  );
}
