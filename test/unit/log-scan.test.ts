// The log scan run after the suite (.ci/test) finds a credential wherever a line holds it,
// names which one and where, and never prints the value itself.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, expect, it } from 'vitest';
import { root } from '../support/cli.js';
import { testCredentials } from '../support/credentials.js';
import { scanLogs } from '../support/scan-logs.js';

const dir = mkdtempSync(join(tmpdir(), 'lead-router-scan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('reports file:line and the credential by name, and fails the run', async () => {
  writeFileSync(
    join(dir, 'a.log'),
    [
      '{"msg":"request","status":202}',
      '{"msg":"x","err":"Bearer editor-token-0123456789"}',
      '{"msg":"token standin-token-3"}',
      `{"rawPacket":{"type":"Buffer","data":[${Buffer.from('x-api-key: test-key-0123456789').toJSON().data.join(',')}]}}`,
    ].join('\n'),
  );
  writeFileSync(join(dir, 'b.log'), '{"msg":"request","status":200}\n');
  const r = await scanLogs(dir);
  expect(r).toEqual({
    files: 2,
    lines: 5,
    requestLines: 2,
    findings: [
      { file: 'a.log', line: 2, credential: 'admin editor token' },
      { file: 'a.log', line: 3, credential: 'Salesforce access token minted by the stand-in' },
      { file: 'a.log', line: 4, credential: 'intake API key (support/system.ts)' },
    ],
  });
  let out = '';
  let code = 0;
  try {
    execFileSync(join(root, 'node_modules/.bin/node'), ['--import', 'tsx', 'test/support/scan-logs.ts', dir], {
      cwd: root,
      stdio: 'pipe',
    });
  } catch (e) {
    const err = e as { status: number; stdout: Buffer; stderr: Buffer };
    code = err.status;
    out = err.stdout.toString() + err.stderr.toString();
  }
  expect(code).toBe(1);
  expect(out).toContain(`${join(dir, 'a.log')}:2: admin editor token`);
  expect(out).not.toContain('editor-token-0123456789');
});

it('fails a scan that saw no traffic: an empty folder proves nothing', async () => {
  const empty = mkdtempSync(join(dir, 'empty-'));
  expect(await scanLogs(empty)).toEqual({ files: 0, lines: 0, requestLines: 0, findings: [] });
});

it('lists every credential-looking literal the tests assign (token, secret, apiKey ... = "...")', () => {
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((f) =>
      statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : f.endsWith('.ts') ? [join(d, f)] : [],
    );
  const assigned = /(?:token|secret|apikey|api_key|password)['"]?\s*[:=]\s*['"]([^'"`\s]{6,})['"]/gi;
  const listed = (v: string) =>
    testCredentials.some((c) => (typeof c.value === 'string' ? v.includes(c.value) : c.value.test(v)));
  const missing = walk(join(root, 'test')).flatMap((f) =>
    [...readFileSync(f, 'utf8').matchAll(assigned)]
      .map((m) => m[1]!)
      .filter((v) => !listed(v))
      .map((v) => `${f}: ${v}`),
  );
  expect(missing).toEqual([]);
});
