// Postgres is the record, Redis only the transport: a worker killed mid-route, or a queue
// emptied after the ack, delays a lead but never loses it and never routes it twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childEnv, spawnCli, type CliProcess } from '../support/cli.js';
import { clearQueuePrefix, createTestDatabase, sqlClient, type TestDatabase } from '../support/services.js';
import { startSystem, testApiKey, testEnv, type TestSystem, postLead } from '../support/system.js';
import { until } from '../support/until.js';
import type { Env } from '../../src/config/index.js';

let tdb: TestDatabase;
let intake: TestSystem;
let env: Env;
let sql: Awaited<ReturnType<typeof sqlClient>>;
const children: CliProcess[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase();
  env = testEnv(tdb.url);
  intake = await startSystem(env, { migrate: true }); // serves only: no jobs run in this process
  sql = await sqlClient(tdb.url);
});

afterAll(async () => {
  for (const c of children) c.child.kill('SIGKILL');
  await intake?.close();
  await clearQueuePrefix(env.QUEUE_PREFIX);
  await sql?.end();
  await tdb?.drop();
});

function workerEnv(extra: Record<string, string> = {}) {
  return childEnv({
    DATABASE_URL: tdb.url,
    REDIS_URL: env.REDIS_URL!,
    QUEUE_PREFIX: env.QUEUE_PREFIX,
    INTAKE_API_KEYS: testApiKey,
    LOG_LEVEL: 'trace',
    WORKER_PORT: '0',
    JOB_LOCK_MS: '1500',
    RETRY_BASE_MS: '50',
    ...extra,
  });
}

const post = (key: string) => postLead(intake.app, key);

const countFor = async (eventId: string) =>
  (
    await sql.rows<{ a: number; done: number }>(
      `select (select count(*)::int from assignments where event_id = $1) a,
            (select count(*)::int from outbox o join assignments x on x.id = o.assignment_id where x.event_id = $1 and o.status = 'done') done`,
      [eventId],
    )
  )[0]!;

describe('crash recovery', () => {
  it('routes a lead exactly once after its worker is SIGKILLed mid-route', async () => {
    // Hold the pool's rotation row so the worker blocks inside its routing transaction.
    await sql.query(`insert into rotation_cursors (pool_id, position) values ('inbound', -1) on conflict do nothing`);
    const blocker = await sqlClient(tdb.url);
    await blocker.query('begin');
    await blocker.query(`select * from rotation_cursors where pool_id = 'inbound' for update`);

    const eventId = await post('killed-0001');
    const first = spawnCli(['worker'], workerEnv({ SWEEP_AFTER_MS: '600000' })); // recovery must come from BullMQ's stalled-job check
    children.push(first);
    await until(
      async () =>
        (await sql.rows(`select 1 from pg_stat_activity where datname = $1 and wait_event_type = 'Lock'`, [tdb.name]))
          .length > 0,
      {
        timeoutMs: 15_000,
        what: 'the worker to block mid-route',
      },
    );
    first.child.kill('SIGKILL');
    await first.exited;
    await blocker.query('commit');
    await blocker.end();
    expect(await countFor(eventId)).toEqual({ a: 0, done: 0 });

    const second = spawnCli(['worker'], workerEnv({ SWEEP_AFTER_MS: '600000' }));
    children.push(second);
    await until(async () => (await countFor(eventId)).done === 1, {
      timeoutMs: 20_000,
      what: 'the lead to be routed after restart',
    });
    expect(await countFor(eventId)).toEqual({ a: 1, done: 1 });
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('routes a lead exactly once when the queue is emptied after the ack', async () => {
    const eventId = await post('flushed-0001');
    await clearQueuePrefix(env.QUEUE_PREFIX); // every key of this deployment's queues: the job is gone
    const worker = spawnCli(['worker'], workerEnv({ SWEEP_AFTER_MS: '300', SWEEP_INTERVAL_MS: '200' }));
    children.push(worker);
    await until(async () => (await countFor(eventId)).done === 1, {
      timeoutMs: 20_000,
      what: 'the sweeper to re-enqueue the stored event',
    });
    expect(await countFor(eventId)).toEqual({ a: 1, done: 1 });
    expect(worker.output()).toContain('sweeper re-enqueued stored work');
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
  });
});
