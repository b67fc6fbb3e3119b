// `lead-router reports backfill`: leads routed before lead_reports existed get the row their
// first decision would have written (and their share of lead_report_days); leads routed since
// keep theirs, a lead left without a row after reports began gets none, and a second run adds nothing.
// "Before reports existed" is made here by deleting the rows of the leads routed first.
import { expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { parseEnv } from '../../src/config/index.js';
import { openPostgres } from '../../src/db/index.js';
import { rebuildReportDays } from '../../src/db/report-rollup.js';
import { leadBody, testApiKey, useTestSystem, postLead } from '../support/system.js';
import { until } from '../support/until.js';
import { writeConfigFile } from './sync-helpers.js';
import { apiLeadMappings } from '../builders/index.js';

const config = {
  mappings: apiLeadMappings('email', 'createdAt', 'leadSource'),
  routing: {
    reps: [
      { id: 'ana', name: 'Ana Lopez' },
      { id: 'bo', name: 'Bo Chen' },
    ],
    pools: [{ id: 'inbound', strategy: 'round_robin', members: ['ana', 'bo'] }],
    rules: [{ id: 'everyone', when: { match: 'always' }, action: { pool: 'inbound' } }],
  },
};

const sys = useTestSystem(() => ({ migrate: true, working: true, env: { CONFIG_FILE: writeConfigFile(config) } }));

type Row = Record<string, unknown> & { lead_id: string; decided_at: Date };

/** Posts a lead and waits for its owner to be written; answers its lead id. */
async function routed(key: string, lead: Record<string, unknown> = {}): Promise<string> {
  const eventId = await postLead(sys.app, key, lead);
  return until(
    async () =>
      (
        await sys.sql.rows<{ lead_id: string }>(
          `select a.lead_id from assignments a join outbox o on o.assignment_id = a.id
           where a.event_id = $1 and o.status = 'done'`,
          [eventId],
        )
      )[0]?.lead_id,
    { timeoutMs: 15_000, what: `${key} routed and written` },
  );
}

const reports = () => sys.sql.rows<Row>(`select * from lead_reports order by received_at`);
const days = () => sys.sql.rows(`select * from lead_report_days order by day, crm, pool_id, source, stage`);

/** lead_report_days made again from lead_reports as they are. */
async function rebuildDays() {
  const handle = await openPostgres(sys.db.url);
  try {
    await rebuildReportDays(handle.db);
  } finally {
    await handle.close();
  }
}

async function backfill() {
  const lines: string[] = [];
  const env = parseEnv({ DATABASE_URL: sys.db.url, LOG_LEVEL: 'silent' });
  const code = await runCli(['reports', 'backfill'], {
    env,
    io: { out: (l) => lines.push(l), err: (l) => lines.push(l) },
  });
  return { code, lines };
}

it('gives the leads routed before reports their row and rollup, once', async () => {
  const a = await routed('backfill-a', { createdAt: '2026-12-01T09:00:00Z', leadSource: 'webinar' });
  const b = await routed('backfill-b');
  const c = await routed('backfill-c'); // routed after reports began: keeps its row
  const d = await routed('backfill-d'); // after reports began, then without a row: not ours to invent
  const routedRows = await reports();
  expect(routedRows.map((r) => r.lead_id)).toEqual([a, b, c, d]);
  await sys.sql.rows(
    `update outbox set confirmed_at = done_at + interval '2 seconds'
    where assignment_id = (select assignment_id from lead_reports where lead_id = $1)`,
    [a],
  );
  await sys.sql.rows(`delete from lead_reports where lead_id <> $1`, [c]);
  await rebuildDays();
  const cDecided = routedRows[2]!.decided_at.toISOString();

  expect(await backfill()).toEqual({
    code: 0,
    lines: [`lead_reports: 2 rows added; 4 leads read (first decided before ${cDecided})`],
  });
  const [assignedA, assignedB] = await sys.sql.rows<{ created_at: Date; done_at: Date }>(
    `select a.created_at, o.done_at from assignments a join outbox o on o.assignment_id = a.id
     where a.lead_id = any($1::uuid[]) order by a.created_at`,
    [[a, b]],
  );
  const [rowA, rowB, rowC] = routedRows;
  expect(await reports()).toEqual([
    // What routing wrote, but for decided_at (the assignment's own time) and the echo recorded on the outbox.
    {
      ...rowA,
      decided_at: assignedA!.created_at,
      confirmed_at: new Date(assignedA!.done_at.getTime() + 2000),
    },
    { ...rowB, decided_at: assignedB!.created_at },
    rowC,
  ]);
  expect(rowA).toMatchObject({ source: 'webinar', crm_created_at: new Date('2026-12-01T09:00:00Z'), mode: 'live' });

  // The rollup took the new rows as a rebuild from lead_reports would.
  const afterBackfill = await days();
  await rebuildDays();
  expect(afterBackfill).toEqual(await days());

  // Again: nothing to add, nothing counted twice (the earliest row is a's now).
  expect(await backfill()).toEqual({
    code: 0,
    lines: [`lead_reports: 0 rows added; 4 leads read (first decided before ${assignedA!.created_at.toISOString()})`],
  });
  expect(await days()).toEqual(afterBackfill);
  expect((await reports()).map((r) => r.lead_id)).toEqual([a, b, c]);
});
