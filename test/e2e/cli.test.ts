// The built CLI as an operator runs it (docs/cli.md): --help on every command prints help and
// does nothing else, --version, and the documented exit codes. The environment is one no
// command could run with (an unreachable database and Redis, a PORT that does not parse, a
// DATA_DIR that must not appear): help that touched any of it would fail or leave a trace.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childEnv, root, spawnCli } from '../support/cli.js';

let dir: string;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  execFileSync(join(root, 'node_modules/.bin/tsc'), ['-b', 'tsconfig.build.json'], { cwd: root }); // a no-op when dist/ is current
  dir = await mkdtemp(join(tmpdir(), 'lr-cli-'));
  env = childEnv({
    DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    REDIS_URL: 'redis://127.0.0.1:1',
    DATA_DIR: join(dir, 'data'),
    PORT: 'not-a-port',
    LOG_LEVEL: 'trace',
  });
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(args: string[], e = env) {
  const p = spawnCli(args, e, { compiled: true });
  return { code: await p.exited, output: p.output() };
}

const commands = [
  [],
  ['serve'],
  ['worker'],
  ['migrate'],
  ['config'],
  ['config', 'validate'],
  ['config', 'publish'],
  ['config', 'export'],
  ['config', 'diff'],
  ['config', 'rollback'],
  ['replay'],
  ['reports'],
  ['reports', 'backfill'],
];

describe('lead-router --help', () => {
  it.each(commands.map((c) => [c.join(' ') || '(the program)', c]))(
    '%s --help prints its usage and the exit codes, exit 0, and touches nothing',
    async (_name, command) => {
      const { code, output } = await run([...(command as string[]), '--help']);
      expect(code).toBe(0);
      expect(output.startsWith(`Usage: lead-router${(command as string[]).map((c) => ` ${c}`).join('')} `)).toBe(true);
      expect(output).toContain('Exit codes:\n  0  done');
      expect(output).toContain('  2  usage error: unknown command or option, missing or bad argument');
      // No log line (the logger is made for a command's action only), no data folder.
      expect(output).not.toContain('"level"');
      expect(existsSync(join(dir, 'data'))).toBe(false);
    },
    60_000,
  );

  it('help COMMAND is the same as COMMAND --help', async () => {
    const [a, b] = await Promise.all([run(['help', 'replay']), run(['replay', '--help'])]);
    expect(a).toEqual(b);
  }, 60_000);
});

describe('lead-router --version and exit codes', () => {
  it("--version prints package.json's version", async () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(await run(['--version'])).toEqual({ code: 0, output: `${version}\n` });
    expect(await run(['-V'])).toEqual({ code: 0, output: `${version}\n` });
  }, 60_000);

  it('exits 2 for an unknown command or option, a missing argument or a bad value, saying which', async () => {
    const results = await Promise.all([
      run(['nope']),
      run(['serve', '--bogus']),
      run(['config', 'diff', '1']),
      run(['replay', '--kind', 'nope']),
      run(['config']),
    ]);
    expect(results.map((r) => r.code)).toEqual([2, 2, 2, 2, 2]);
    expect(results[0]!.output).toBe("error: unknown command 'nope'\n(add --help for usage)\n");
    expect(results[1]!.output).toBe("error: unknown option '--bogus'\n(add --help for usage)\n");
    expect(results[2]!.output).toBe("error: missing required argument 'b'\n(add --help for usage)\n");
    expect(results[3]!.output).toBe(
      "error: option '--kind <kind>' argument 'nope' is invalid. Allowed choices are route, writeback, notify.\n(add --help for usage)\n",
    );
    expect(results[4]!.output).toContain('Usage: lead-router config [options] [command]');
  }, 60_000);

  it('exits 1 when a command fails: an invalid environment, an unreachable database', async () => {
    const badEnv = await run(['migrate']);
    expect(badEnv.code).toBe(1);
    expect(badEnv.output).toContain('invalid environment:\n  PORT:');
    const unreachable = await run(['config', 'diff', '1', '2'], { ...env, PORT: '3000', LOG_LEVEL: 'silent' });
    expect(unreachable.code).toBe(1);
    expect(unreachable.output).not.toContain('Usage:');
  }, 60_000);
});
