// CSV import (docs/bulk.md): every bad row is reported with its line and reason, the rest go
// through the api mapping and intake and are routed; running the file again stores nothing
// twice; a cancel stops the import at its next batch.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { childEnv, spawnCli } from '../support/cli.js';
import { testApiKey, useTestSystem } from '../support/system.js';
import { until } from '../support/until.js';
import { cancelBulkJob, runImport, type RefusedRow } from '../../src/pipeline/index.js';
import { addBulkJobProgress, insertBulkJob, maxStoredJobErrors } from '../../src/db/index.js';

const dir = mkdtempSync(join(tmpdir(), 'lr-import-'));
const config = join(dir, 'config.yaml');
writeFileSync(
  config,
  `mappings:
  api/lead:
    fields:
      - { from: Email, to: email, required: true }
      - { from: Country, to: country, transforms: [country] }
      - { from: Employees, to: employeeCount, transforms: [number] }
routing:
  reps:
    - { id: ana, name: Ana, email: ana@example.com }
    - { id: bo, name: Bo, email: bo@example.com }
  pools:
    - { id: inbound, strategy: round_robin, members: [ana, bo] }
  rules:
    - { id: everyone, when: { match: always }, action: { pool: inbound } }
`,
);
const sys = useTestSystem(() => ({ migrate: true, working: true, env: { CONFIG_FILE: config } }));

const csv = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

describe('import leads.csv', () => {
  it('reports each bad row with its line and reason, and imports and routes the rest', async () => {
    const file = csv(
      'trade-show.csv',
      [
        'externalId,Email,Country,Employees',
        'ts-1,ana.lee@acme.example,Germany,120',
        'ts-2,,France,10', // line 3: no email
        'ts-3,bo@acme.example,Spain,many', // line 4: not a number
        'ts-4,cy@acme.example,Italy,5,extra', // line 5: one column too many
        'ts-5,dee@acme.example,Narnia,7',
        'ts-6,eve@acme.example,Austria,',
      ].join('\n') + '\n',
    );
    const refused: RefusedRow[] = [];
    const job = await runImport(sys.rt.deps, { file, source: 'trade-show' }, 'test', {
      onRefused: (r) => refused.push(r),
    });
    expect(refused).toEqual([
      { line: 3, reason: expect.stringMatching(/^REQUIRED_MISSING email: /) },
      { line: 4, reason: expect.stringMatching(/^TRANSFORM_FAILED Employees: /) },
      { line: 5, reason: 'Invalid Record Length: columns length is 4, got 5' },
      { line: 6, reason: expect.stringMatching(/^TRANSFORM_FAILED Country: /) },
    ]);
    expect(job).toMatchObject({
      kind: 'import',
      status: 'done',
      counts: { rows: 6, imported: 2, duplicates: 0, refused: 4 },
      errors: refused,
    });
    // The rest went through intake (source import:trade-show) and were routed like any api lead.
    const routed = await until(
      async () => {
        const rows = await sys.sql.rows<{ record_id: string; owner_rep_id: string; email: string }>(
          `select l.record_id, l.owner_rep_id, l.data->>'email' as email from leads l
           join assignments a on a.lead_id = l.id join inbound_events e on e.id = a.event_id
           where e.source = 'import:trade-show' order by l.record_id`,
        );
        return rows.length === 2 && rows;
      },
      { what: 'the imported leads routed' },
    );
    expect(routed).toEqual([
      { record_id: 'ts-1', owner_rep_id: 'ana', email: 'ana.lee@acme.example' },
      { record_id: 'ts-6', owner_rep_id: 'bo', email: 'eve@acme.example' },
    ]);

    // The same file again: nothing new is stored, the same rows are refused.
    const again = await runImport(sys.rt.deps, { file, source: 'trade-show' }, 'test');
    expect(again.counts).toEqual({ rows: 6, imported: 0, duplicates: 2, refused: 4 });
    expect(await sys.sql.rows(`select count(*)::int n from inbound_events where source = 'import:trade-show'`)).toEqual(
      [{ n: 2 }],
    );
  });

  it('prints each refused row from the CLI and exits 0 with the counts', async () => {
    const file = csv('cli.csv', 'Email,Country\nzed@acme.example,DE\n,DE\n');
    const env = sys.rt.env;
    const cli = spawnCli(
      ['import', file, '--source', 'cli-test'],
      childEnv({
        DATABASE_URL: env.DATABASE_URL!,
        REDIS_URL: env.REDIS_URL!,
        QUEUE_PREFIX: env.QUEUE_PREFIX,
        INTAKE_API_KEYS: testApiKey,
        CONFIG_FILE: config,
        LOG_LEVEL: 'warn',
      }),
    );
    expect(await cli.exited, cli.output()).toBe(0);
    expect(cli.output()).toMatch(/^line 3: refused: REQUIRED_MISSING email: /m);
    expect(cli.output()).toMatch(/^import [0-9a-f-]{36} done: rows 2, imported 1, duplicates 0, refused 1$/m);
  });

  it('stops at the next batch when cancelled', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => `c${i}@acme.example,DE`);
    const file = csv('cancel.csv', `Email,Country\n${rows.join('\n')}\n`);
    const job = await runImport(sys.rt.deps, { file, source: 'cancelled' }, 'test', {
      batchSize: 10,
      onProgress: async ({ job: j }) => {
        await cancelBulkJob(sys.rt.deps, j.id);
      },
    });
    expect(job.status).toBe('cancelled');
    expect(job.counts).toEqual({ rows: 10, imported: 10, duplicates: 0, refused: 0 });
  });
});

describe('job progress', () => {
  it('sums the counts of each batch and keeps only the first errors, in order', async () => {
    const db = sys.rt.deps.db;
    const job = await insertBulkJob(db, {
      kind: 'import',
      params: {},
      counts: { rows: 0, refused: 0 },
      createdBy: 't',
    });
    const refused = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ line: from + i, reason: 'x' }));
    const now = new Date();
    await addBulkJobProgress(db, job.id, { counts: { rows: 900, refused: 900 }, errors: refused(1, 900), now });
    const after = await addBulkJobProgress(db, job.id, {
      counts: { rows: 300, refused: 300, imported: 0 },
      errors: refused(901, 300),
      now,
    });
    expect(after!.counts).toEqual({ rows: 1200, refused: 1200, imported: 0 });
    const errors = after!.errors as Array<{ line: number }>;
    expect(errors).toHaveLength(maxStoredJobErrors);
    expect(errors.map((e) => e.line)).toEqual(Array.from({ length: maxStoredJobErrors }, (_, i) => i + 1));
  });
});
