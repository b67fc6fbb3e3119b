// Postgres is the record, Redis only the transport: a worker killed mid-route, or a queue
// emptied after the ack, delays a lead but never loses it and never routes it twice.
import { describe, expect, it } from 'vitest';
import { clearQueuePrefix, sqlClient } from '../support/services.js';
import { useServeAndWorkers } from '../support/serve-and-workers.js';
import { postLead } from '../support/system.js';
import { until } from '../support/until.js';

const sys = useServeAndWorkers();
const post = (key: string) => postLead(sys.intake.app, key);

const countFor = async (eventId: string) =>
  (
    await sys.sql.rows<{ a: number; done: number }>(
      `select (select count(*)::int from assignments where event_id = $1) a,
            (select count(*)::int from outbox o join assignments x on x.id = o.assignment_id where x.event_id = $1 and o.status = 'done') done`,
      [eventId],
    )
  )[0]!;

describe('crash recovery', () => {
  it('routes a lead exactly once after its worker is SIGKILLed mid-route', async () => {
    // Hold the pool's rotation row so the worker blocks inside its routing transaction.
    await sys.sql.query(
      `insert into rotation_cursors (pool_id, position) values ('inbound', -1) on conflict do nothing`,
    );
    const blocker = await sqlClient(sys.tdb.url);
    await blocker.query('begin');
    await blocker.query(`select * from rotation_cursors where pool_id = 'inbound' for update`);

    const eventId = await post('killed-0001');
    const first = sys.worker({ SWEEP_AFTER_MS: '600000' }); // recovery must come from BullMQ's stalled-job check
    await until(
      async () =>
        (
          await sys.sql.rows(`select 1 from pg_stat_activity where datname = $1 and wait_event_type = 'Lock'`, [
            sys.tdb.name,
          ])
        ).length > 0,
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

    const second = sys.worker({ SWEEP_AFTER_MS: '600000' });
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
    await clearQueuePrefix(sys.env.QUEUE_PREFIX); // every key of this deployment's queues: the job is gone
    const worker = sys.worker({ SWEEP_AFTER_MS: '300', SWEEP_INTERVAL_MS: '200' });
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
