// `lead-router config ...` as an operator runs it: a child process, exit codes, printed paths.
// Each child starts node with tsx (seconds on a busy machine), hence the longer timeouts.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { childEnv, spawnCli } from '../support/cli.js';
import { createTestDatabase, sqlClient, type TestDatabase } from '../support/services.js';

let dir: string;
let tdb: TestDatabase;
let sql: Awaited<ReturnType<typeof sqlClient>>;
let invalidFile: string;
let v2File: string;

async function cli(args: string[], env: Record<string, string> = {}) {
  const p = spawnCli(['config', ...args], childEnv({ LOG_LEVEL: 'silent', ...env }));
  const code = await p.exited;
  return { code, output: p.output() };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lr-config-cli-'));
  const doc = parseYaml(await readFile('fixtures/config/default.yaml', 'utf8'));
  const broken = structuredClone(doc);
  broken.routing.rules.push({
    id: 'late',
    when: { field: 'country', op: 'eq', value: 'US' },
    action: { pool: 'us-team' },
  });
  broken.mappings['api/lead'].fields[0].to = 'mail';
  invalidFile = join(dir, 'invalid.yaml');
  await writeFile(invalidFile, toYaml(broken));
  const v2 = structuredClone(doc);
  v2.routing.reps[0].weight = 3;
  v2File = join(dir, 'v2.yaml');
  await writeFile(v2File, toYaml(v2));
  tdb = await createTestDatabase();
  sql = await sqlClient(tdb.url);
});

afterAll(async () => {
  await sql?.end();
  await tdb?.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('config validate (no database)', () => {
  it('exits 0 for the sample config, 1 with each path for an invalid one, 1 for a missing file, 2 for bad usage', async () => {
    const [ok, invalid, missing, usage] = await Promise.all([
      cli(['validate', 'fixtures/config/sample.yaml']),
      cli(['validate', invalidFile]),
      cli(['validate', join(dir, 'nope.yaml')]),
      cli(['validate']),
    ]);
    // The sample's teams do not work weekends: warnings (stderr), exit code still 0.
    expect(ok.code).toBe(0);
    expect(
      ok.output
        .split('\n')
        .filter((l) => l.startsWith('warning: '))
        .map((l) => l.split(':')[1]?.trim()),
    ).toEqual([
      'routing.pools[id=dach].members (line 225)',
      'routing.pools[id=na-inbound].members (line 231)',
      'routing.pools[id=enterprise].members (line 238)',
    ]);
    expect(ok.output).toMatch(/fixtures\/config\/sample\.yaml is valid \(3 warning\(s\)\)\n$/);
    expect(invalid.code).toBe(1);
    const text = await readFile(invalidFile, 'utf8');
    const lineOf = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    expect(invalid.output.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^mappings\\["api/lead"\\]\\.fields\\[to=mail\\]\\.to \\(line ${lineOf('to: mail')}\\): "mail" is not a canonical field .*; did you mean "email"\\?$`,
        ),
      ),
      `routing.rules[id=late] (line ${lineOf('id: late')}): rule "late" can never fire: rule "everyone" before it matches every lead`,
      `routing.rules[id=late].action.pool (line ${lineOf('pool: us-team')}): pool "us-team" does not exist`,
      `${invalidFile} is not valid: 3 error(s)`,
    ]);
    expect(missing.code).toBe(1);
    expect(missing.output).toContain('ENOENT');
    expect(usage.code).toBe(2);
    expect(usage.output).toBe("error: missing required argument 'file'\n(add --help for usage)\n");
  }, 90_000);
});

describe("config validate speaks the admin's language", () => {
  it('reports schema and reference errors together, by id, with the line of the file and a suggestion', async () => {
    const file = join(dir, 'typos.yaml');
    await writeFile(
      file,
      [
        'mappings:',
        '  api/lead:',
        '    fields:',
        '      - { from: email, to: email }',
        'routing:',
        '  reps:',
        '    - id: ana',
        '      weight: heavy',
        '    - id: bo',
        '      timeZone: Europe/Berln',
        '  pools:',
        '    - { id: emea, strategy: round_robin, members: [ana, bo] }',
        '  rules:',
        '    - id: uk',
        '      when: { field: country, op: in, value: [UK, IE] }',
        '      action: { pool: emae }',
        '',
      ].join('\n'),
    );
    const result = await cli(['validate', file]);
    expect(result.code).toBe(1);
    expect(result.output.split('\n').filter(Boolean)).toEqual([
      'routing.reps[id=ana].weight (line 8): Invalid input: expected number, received string',
      'routing.reps[id=bo].timeZone (line 10): "Europe/Berln" is not an IANA time zone; did you mean "Europe/Berlin"?',
      'routing.rules[id=uk].when.value[0] (line 15): "UK" is not an ISO 3166 country code; did you mean GB?',
      'routing.rules[id=uk].action.pool (line 16): pool "emae" does not exist; did you mean "emea"?',
      `${file} is not valid: 4 error(s)`,
    ]);
  }, 60_000);
});

describe('config publish, export, diff, rollback (Postgres)', () => {
  it('publishes, refuses an invalid file without writing, exports, diffs and rolls back', async () => {
    const env = { DATABASE_URL: tdb.url };
    // `migrate` sets the database up and publishes CONFIG_FILE (default.yaml) as version 1.
    const migrate = spawnCli(['migrate'], childEnv({ LOG_LEVEL: 'silent', ...env }));
    expect(await migrate.exited).toBe(0);

    const published = await cli(['publish', v2File, '-m', 'ana works more', '--author', 'Ana'], env);
    expect(published).toEqual({
      code: 0,
      output: 'published version 2 (1 change(s) against version 1); it is now active\n',
    });
    const [row] = await sql.rows(
      `select v.version, v.author, v.message from config_versions v join config_active a on a.version = v.version`,
    );
    expect(row).toEqual({ version: 2, author: 'Ana', message: 'ana works more' });

    const refused = await cli(['publish', invalidFile, '-m', 'nope'], env);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('routing.rules[id=late].action.pool: pool "us-team" does not exist');
    expect(refused.output).toContain('not published: 3 error(s)');
    expect(await sql.rows(`select max(version) v from config_versions`)).toEqual([{ v: 2 }]);

    const [exported, diff, noMessage] = await Promise.all([
      cli(['export', '--version', '2'], env),
      cli(['diff', '1', '2'], env),
      cli(['publish', v2File], env),
    ]);
    expect(exported.code).toBe(0);
    expect(exported.output.startsWith('# lead-router config, version 2: ana works more\nmappings:\n')).toBe(true);
    expect(parseYaml(exported.output).routing.reps[0]).toMatchObject({ id: 'ana', weight: 3 });
    expect(diff).toEqual({ code: 0, output: '~ routing.reps[id=ana].weight: 1 -> 3\n' });
    expect(noMessage.code).toBe(2);

    const rolled = await cli(['rollback', '1', '-m', 'too much for ana'], env);
    expect(rolled).toEqual({ code: 0, output: 'version 1 is active again (was 2)\n' });
    expect(await sql.rows(`select version from config_active`)).toEqual([{ version: 1 }]);
    const unknown = await cli(['rollback', '9'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.output).toContain('CONFIG_NOT_FOUND: config version 9 was not found');
  }, 120_000);
});
