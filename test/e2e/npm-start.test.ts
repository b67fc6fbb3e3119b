// The newcomer's first minute, as the README tells it: `npm start` on a built checkout (no
// rebuild), then a lead sent and its decision read with ONLY what the start-up output printed.
// Then the embedded data folder's one owner: a second process refuses it, and `config publish`
// reaches the running service, so the next decision uses the new version at once.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { childEnv, root, spawnCli } from '../support/cli.js';
import { childLogStream } from '../support/test-logs.js';
import { until } from '../support/until.js';

// This helper's port range (47700-47799): the start-up text must carry the port it was given.
const port = Number(process.env.NPM_START_PORT ?? 27731);
let dataDir: string;
let npmStart: ChildProcess | undefined;
let output = '';
// npm and sh die of the group's SIGTERM at once; node keeps the output pipes until it has shut
// down, so 'close' (every writer gone), not npm's exit, is when the output is complete.
let closed = false;
let builtAt: number;

beforeAll(() => {
  // `npm run build` is `tsc -b`: a no-op when dist/ is current, which is what `npm start` relies on.
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, env: { ...process.env }, stdio: 'ignore' });
  builtAt = statSync(join(root, 'dist/src/cli.js')).mtimeMs;
  dataDir = mkdtempSync(join(tmpdir(), 'lead-router-npm-start-'));
}, 300_000);

afterAll(() => {
  // npm runs sh runs node: the whole process group goes.
  if (npmStart?.pid && !closed) process.kill(-npmStart.pid, 'SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** What the banner printed, taken apart the way a person would copy it. */
function printed(text: string) {
  const send = /curl -s (\S+) -H 'x-api-key: ([^']+)' -H 'content-type: application\/json' \\\n\s+-d '([^']+)'/.exec(
    text,
  );
  const read = /curl -s '([^']+)' -H 'x-admin-token: ([^']+)'/.exec(text);
  if (!send || !read) return undefined;
  return { intakeUrl: send[1]!, apiKey: send[2]!, body: send[3]!, decisionUrl: read[1]!, adminToken: read[2]! };
}

it('npm start prints how to send a lead and read the last decision, and both work as printed', async () => {
  npmStart = spawn('npm', ['start'], {
    cwd: root,
    env: childEnv({ PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'info' }),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const log = childLogStream('npm-start', npmStart.pid);
  for (const s of [npmStart.stdout!, npmStart.stderr!])
    s.on('data', (d: Buffer) => ((output += d.toString()), log.write(d)));
  npmStart.on('close', () => ((closed = true), log.end()));

  const how = await until(() => printed(output), { timeoutMs: 120_000, what: `the start-up text (output: ${output})` });
  expect(output).toContain('DEVELOPMENT CREDENTIALS');
  expect(statSync(join(root, 'dist/src/cli.js')).mtimeMs, 'npm start rebuilt a current dist/').toBe(builtAt);

  const sent = await fetch(how.intakeUrl, {
    method: 'POST',
    headers: { 'x-api-key': how.apiKey, 'content-type': 'application/json' },
    body: how.body,
  });
  expect(sent.status).toBe(202);

  const decision = await until(
    async () => {
      const res = await fetch(how.decisionUrl, { headers: { 'x-admin-token': how.adminToken } });
      return res.status === 200 ? res.text() : undefined;
    },
    { timeoutMs: 30_000, what: 'the decision' },
  );
  expect(decision).toContain('under config version 1');
  expect(decision).toContain(
    'Assigned to rep ana (CRM owner ana) by rule everyone via pool inbound: ROUND_ROBIN_NEXT.',
  );
}, 180_000);

it('a second process on the same data folder refuses, naming the folder and the pid that holds it', async () => {
  const holder = JSON.parse(readFileSync(join(dataDir, 'lead-router.lock'), 'utf8')) as { pid: number };
  const second = spawnCli(['serve'], childEnv({ PORT: String(port + 1), DATA_DIR: dataDir }), { compiled: true });
  expect(await second.exited).toBe(1);
  expect(second.output()).toContain(`the data folder ${dataDir} is in use by process ${holder.pid} (lead-router serve`);
  // The refused process printed no credentials and the first one still serves.
  expect(second.output()).not.toContain('DEVELOPMENT CREDENTIALS');
  expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
}, 60_000);

it('config publish (and replay) while serving go through the service: the very next decision uses the new version', async () => {
  const how = printed(output)!;
  const file = join(dataDir, 'solo.yaml');
  const base = readFileSync(join(root, 'fixtures/config/default.yaml'), 'utf8');
  writeFileSync(
    file,
    base
      .replace(
        '- { id: inbound, strategy: round_robin, members: [ana, bo, cy] }',
        '- { id: inbound, strategy: round_robin, members: [ana, bo, cy] }\n    - { id: solo, strategy: round_robin, members: [cy] }',
      )
      .replace(
        '- { id: everyone, when: { match: always }, action: { pool: inbound } }',
        '- { id: all-to-cy, when: { match: always }, action: { pool: solo } }',
      ),
  );
  const publish = spawnCli(['config', 'publish', file, '-m', 'everything to Cy'], childEnv({ DATA_DIR: dataDir }), {
    compiled: true,
  });
  expect(await publish.exited, publish.output()).toBe(0);
  expect(publish.output()).toContain(`published version 2 (`);
  expect(publish.output()).toContain(`it is now active (through http://127.0.0.1:${port})`);

  // No wait: the service reports version 2 the moment the command has returned.
  const active = await fetch(`http://127.0.0.1:${port}/v1/admin/config`, {
    headers: { 'x-admin-token': how.adminToken },
  });
  expect(((await active.json()) as { version: number }).version).toBe(2);
  const sent = await fetch(how.intakeUrl, {
    method: 'POST',
    headers: { 'x-api-key': how.apiKey, 'content-type': 'application/json' },
    body: how.body.replace('lead-000001', 'lead-000002'),
  });
  expect(sent.status).toBe(202);
  const decision = await until(
    async () => {
      const text = await (await fetch(how.decisionUrl, { headers: { 'x-admin-token': how.adminToken } })).text();
      return text.includes('under config version 1') ? undefined : text; // until the second lead's decision is the last one
    },
    { timeoutMs: 30_000, what: 'the second decision' },
  );
  expect(decision).toContain('under config version 2');
  expect(decision).toContain('Assigned to rep cy (CRM owner cy) by rule all-to-cy via pool solo');

  // So does replay: not blocked by the data folder's lock.
  const replay = spawnCli(['replay', '--dry-run'], childEnv({ DATA_DIR: dataDir }), { compiled: true });
  expect(await replay.exited, replay.output()).toBe(0);
  expect(replay.output()).toBe(`dry run: 0 would be replayed, 0 skipped (through http://127.0.0.1:${port})\n`);

  // Rollback takes the same road.
  const rollback = spawnCli(['config', 'rollback', '1'], childEnv({ DATA_DIR: dataDir }), { compiled: true });
  expect(await rollback.exited, rollback.output()).toBe(0);
  expect(rollback.output()).toContain(`version 1 is active again (was 2) (through http://127.0.0.1:${port})`);

  process.kill(-npmStart!.pid!, 'SIGTERM');
  await until(() => closed, { timeoutMs: 30_000, what: 'npm start to stop and close its output' });
  expect(output).toContain('shutdown complete');
  // The lock went with it: the CLI now writes the database itself.
  const offline = spawnCli(['config', 'export', '--format', 'json'], childEnv({ DATA_DIR: dataDir }), {
    compiled: true,
  });
  expect(await offline.exited, offline.output()).toBe(0);
  expect(offline.output()).toContain('"everyone"');
}, 180_000);
