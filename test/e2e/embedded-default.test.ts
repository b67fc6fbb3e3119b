// The README's first command, for real: the compiled CLI with no DATABASE_URL and no REDIS_URL
// starts on PGlite with in-process jobs, accepts a lead, routes it, and stops cleanly on SIGTERM.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { childEnv, root, spawnCli, type CliProcess } from '../support/cli.js';
import { until } from '../support/until.js';

let dataDir: string;
let proc: CliProcess | undefined;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

beforeAll(() => {
  if (!existsSync(join(root, 'dist/src/cli.js')))
    execFileSync(join(root, 'node_modules/.bin/tsc'), ['-b', 'tsconfig.build.json'], { cwd: root });
  dataDir = mkdtempSync(join(tmpdir(), 'lead-router-e2e-'));
}, 120_000);

afterAll(() => {
  proc?.child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

it('starts with no Postgres or Redis configured, routes a posted lead, and exits 0 on SIGTERM', async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  proc = spawnCli(
    ['serve'],
    childEnv({ PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'trace', SWEEP_INTERVAL_MS: '500' }),
    { compiled: true },
  );
  await until(
    () =>
      fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      ),
    { timeoutMs: 60_000, what: `${base}/healthz (output: ${proc.output()})` },
  );
  // The log line follows listen(): wait for it rather than race it.
  await until(() => proc!.output().includes('"database":"pglite","queue":"in-process"'), {
    what: 'the serving log line',
  });

  const res = await fetch(`${base}/v1/leads`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'dev-local-key' },
    body: JSON.stringify({
      source: 'web-form',
      idempotencyKey: 'embedded-0001',
      lead: { email: 'ada@acme.example', country: 'DE' },
    }),
  });
  expect(res.status).toBe(202);

  const metrics = () => fetch(`${base}/metrics`).then((r) => r.text());
  await until(async () => /writebacks_total\{crm="api",outcome="done"\} 1/.test(await metrics()), {
    timeoutMs: 30_000,
    what: 'the write-back',
  });
  expect(await metrics()).toMatch(
    /leads_routed_total\{pool="[^"]+",rule="[^"]+",outcome="assigned",reason="ROUND_ROBIN_NEXT"\} 1/,
  );
  // The owner write is one info line naming the lead's ids (docs/operations.md).
  expect(proc.output()).toMatch(
    /"leadId":"[0-9a-f-]{36}","eventId":"[0-9a-f-]{36}","requestId":"[^"]+".*"owner":"ana".*"msg":"owner written"/,
  );
  // The development key is named in the warning (and the start-up text's curl, on stderr, not the
  // JSON log), but no request's key is ever logged.
  const logLines = proc
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'));
  expect(logLines.length).toBeGreaterThan(0);
  expect(logLines.join('\n')).not.toMatch(/x-api-key/i);

  proc.child.kill('SIGTERM');
  expect(await proc.exited).toBe(0);
  expect(proc.output()).toContain('shutdown complete');
}, 90_000);
