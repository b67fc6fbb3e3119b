// One process of the fleet runs the connector streams: a Postgres session lock picks it, and
// another takes over when the leader stops or its database session dies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, type DbHandle } from '../../src/db/index.js';
import { testLogger } from '../support/test-logs.js';
import { runWhileLeader, type Leadership } from '../../src/pipeline/index.js';
import { createTestDatabase, sqlClient, type TestDatabase } from '../support/services.js';
import { until } from '../support/until.js';

const key = 0x4c52_7e57;
let database: TestDatabase;
const handles: DbHandle[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  for (const h of handles) await h.close();
  await database.drop();
});

let running = 0;
let mostAtOnce = 0;

function worker(name: string, log: string[]): Promise<Leadership> {
  return openPostgres(database.url, { poolSize: 2 }).then((h) => {
    handles.push(h);
    return runWhileLeader({
      name: 'streams',
      tryLease: () => h.tryLease(key),
      start: async () => {
        log.push(`${name} started`);
        mostAtOnce = Math.max(mostAtOnce, ++running);
        return async () => {
          running--;
          log.push(`${name} stopped`);
        };
      },
      retryMs: 100,
      logger: testLogger(),
    });
  });
}

/** a leads, then b asks; `body` runs with both, and both stop afterwards whatever happened. */
async function aLeadsThenB(body: (a: Leadership, log: string[]) => Promise<void>): Promise<void> {
  const log: string[] = [];
  const a = await worker('a', log);
  await a.ready;
  const b = await worker('b', log);
  try {
    await b.ready;
    await body(a, log);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
}

describe('runWhileLeader', () => {
  it('runs the work in one process only, and hands it over when the leader stops', () =>
    aLeadsThenB(async (a, log) => {
      await new Promise((r) => setTimeout(r, 300)); // b has asked a few times by now
      expect(log).toEqual(['a started']);

      await a.stop();
      await until(() => log.includes('b started'), { what: 'b takes over' });
      expect(log).toEqual(['a started', 'a stopped', 'b started']);
      expect(mostAtOnce).toBe(1);
    }));

  it('stops the work when the leader loses its database session, then one process leads again', () =>
    aLeadsThenB(async (_a, log) => {
      expect(log).toEqual(['a started']);

      const admin = await sqlClient(database.url);
      const [holder] = await admin.rows<{ pid: number }>(
        `select pid from pg_locks where locktype = 'advisory' and objid = $1 and granted and database = (select oid from pg_database where datname = current_database())`,
        [key],
      );
      await admin.query('select pg_terminate_backend($1)', [holder!.pid]);
      await admin.end();

      // The lock went with the session: a stops its work; whoever asks first (a, at once) leads again.
      await until(() => log.length >= 3, { what: 'a new leader' });
      expect(log.slice(0, 2)).toEqual(['a started', 'a stopped']);
      expect(log[2]).toMatch(/^[ab] started$/);
      expect(mostAtOnce).toBe(1);
    }));
});
