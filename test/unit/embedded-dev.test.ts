// The development admin token exists only on the embedded default with no ADMIN_TOKENS.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/index.js';
import { devAdminTokenFile, embeddedAdminTokens, embeddedBanner } from '../../src/embedded-dev.js';

let dir: string;
const warnings: string[] = [];
const logger = { warn: (m: string) => void warnings.push(m) } as never;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lead-router-dev-'));
  warnings.length = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('gives the embedded default an editor token kept in the data folder (owner-only), the same on every start', () => {
  const first = embeddedAdminTokens(parseEnv({ DATA_DIR: dir }), logger);
  expect(first.devToken).toMatch(/^dev-admin-[\w-]{24}$/);
  expect(first.env.ADMIN_TOKENS.map((t) => [t.role, t.token.reveal()])).toEqual([['editor', first.devToken]]);
  expect(statSync(join(dir, devAdminTokenFile)).mode & 0o777).toBe(0o600);
  expect(warnings).toEqual([expect.stringContaining('development admin token')]);
  expect(embeddedAdminTokens(parseEnv({ DATA_DIR: dir }), logger).devToken).toBe(first.devToken);
});

it('never makes one when DATABASE_URL or ADMIN_TOKENS is set', () => {
  for (const source of [
    { DATA_DIR: dir, DATABASE_URL: 'postgres://127.0.0.1:1/x' },
    { DATA_DIR: dir, ADMIN_TOKENS: 'viewer:viewer-token-0123456789' },
  ]) {
    const r = embeddedAdminTokens(parseEnv(source), logger);
    expect(r.devToken).toBeUndefined();
    expect(r.env.ADMIN_TOKENS.length).toBe(source.ADMIN_TOKENS ? 1 : 0);
  }
  expect(existsSync(join(dir, devAdminTokenFile))).toBe(false);
  expect(warnings).toEqual([]);
});

it('prints placeholders, not credentials, for what is configured', () => {
  const text = embeddedBanner({ url: 'http://127.0.0.1:3000', dataDir: dir });
  expect(text).not.toContain('DEVELOPMENT CREDENTIALS');
  expect(text).toContain("-H 'x-api-key: <one of INTAKE_API_KEYS>'");
  expect(text).toContain(
    "curl -s 'http://127.0.0.1:3000/v1/leads/latest/decision?format=text' -H 'x-admin-token: <an ADMIN_TOKENS token>'",
  );
});
