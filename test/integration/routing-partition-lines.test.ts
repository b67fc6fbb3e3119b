// Two lock partitions' routing transactions do not wait on each other (src/pipeline/partition-lines.ts,
// docs/scaling.md): a batch is split by partition before its transaction. Here another session
// holds the emea partition's lock row; a batch with an emea lead and an amer lead routes the amer
// lead while the emea transaction is seen in pg_locks waiting on that session and on nothing
// else, and a later amer-only batch routes past it too. Released, the emea lead routes. With one
// transaction per batch over every partition its leads fall in, the amer lead waited as well.
import { expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestApiLead, routeBatch } from '../../src/pipeline/index.js';
import { sqlClient } from '../support/services.js';
import { useTestSystem } from '../support/system.js';
import { until } from '../support/until.js';

const routing = {
  reps: ['e1', 'e2', 'w1', 'w2'].map((id) => ({ id, crmIds: { api: id } })),
  pools: [
    { id: 'emea', strategy: 'round_robin', members: ['e1', 'e2'] },
    { id: 'amer', strategy: 'round_robin', members: ['w1', 'w2'] },
  ],
  rules: [
    { id: 'de', when: { field: 'country', op: 'eq', value: 'DE' }, action: { pool: 'emea' } },
    { id: 'us', when: { field: 'country', op: 'eq', value: 'US' }, action: { pool: 'amer' } },
  ],
};
const mappings = {
  'api/lead': {
    fields: [
      { from: 'email', to: 'email' },
      { from: 'country', to: 'country' },
    ],
  },
};

let dir: string;
const sys = useTestSystem(() => {
  dir = mkdtempSync(join(tmpdir(), 'lr-partition-lines-'));
  writeFileSync(join(dir, 'config.yaml'), JSON.stringify({ mappings, routing }));
  return {
    env: { CONFIG_FILE: join(dir, 'config.yaml') },
    migrate: true,
    after: () => rmSync(dir, { recursive: true, force: true }),
  };
});

const lead = async (key: string, country: string) =>
  (
    await ingestApiLead(sys.rt.deps, {
      source: 'web',
      idempotencyKey: key,
      lead: { email: `${key}@acme.example`, country },
    })
  ).eventId;

const ownerOf = async (key: string) =>
  (
    await sys.sql.rows<{ rep_id: string }>(
      `select a.rep_id from assignments a join leads l on l.id = a.lead_id where l.record_id = $1`,
      [key],
    )
  )[0]?.rep_id;

it("routes one partition's leads while another partition's lock is held elsewhere", { timeout: 60_000 }, async () => {
  const de = await lead('de-1', 'DE');
  const us = await lead('us-1', 'US');
  const us2 = await lead('us-2', 'US');

  // Another session holds the emea partition's lock row (the row the routing transaction locks).
  const blocker = await sqlClient(sys.db.url);
  try {
    await blocker.query(
      `insert into rotation_cursors (pool_id, position) values ('$routing/p/emea', -1), ('$routing/p/amer', -1) on conflict do nothing`,
    );
    await blocker.query('begin');
    await blocker.query(`select 1 from rotation_cursors where pool_id = '$routing/p/emea' for update`);
    const blockerPid = (await blocker.rows<{ pid: number }>('select pg_backend_pid() pid'))[0]!.pid;

    const mixed = routeBatch(sys.rt.deps, [de, us]);
    // The emea transaction queues behind the blocker, and only behind it...
    const waiting = await until(
      async () =>
        (
          await sys.sql.rows<{ pid: number; blockers: number[] }>(
            `select pid, pg_blocking_pids(pid) blockers from pg_stat_activity
             where datname = current_database() and cardinality(pg_blocking_pids(pid)) > 0`,
          )
        )[0],
      { what: 'a routing transaction waiting on the emea lock' },
    );
    expect(waiting.blockers).toEqual([blockerPid]);
    // ...while the amer lead of the same batch is routed, and so is a later amer-only batch.
    expect(await until(() => ownerOf('us-1'), { what: 'the amer lead routed' })).toBe('w1');
    await routeBatch(sys.rt.deps, [us2]);
    expect(await ownerOf('us-2')).toBe('w2');
    expect(await ownerOf('de-1')).toBeUndefined();
    // Still exactly one session waiting, on the blocker: nothing else queued behind emea.
    const stillWaiting = await sys.sql.rows<{ blockers: number[] }>(
      `select pg_blocking_pids(pid) blockers from pg_stat_activity
       where datname = current_database() and cardinality(pg_blocking_pids(pid)) > 0`,
    );
    expect(stillWaiting).toEqual([{ blockers: [blockerPid] }]);

    await blocker.query('commit');
    await mixed;
    expect(await ownerOf('de-1')).toBe('e1');
  } finally {
    await blocker.end();
  }
  // Each transaction held one partition: none was labelled `several`.
  const held = (await sys.rt.deps.metrics.routingLockHold.get()).values
    .filter((v) => v.metricName === 'routing_lock_hold_seconds_count' && v.value > 0)
    .map((v) => [v.labels.partition, v.value]);
  expect(Object.fromEntries(held)).toEqual({ 'p/amer': 2, 'p/emea': 1 });
});
