// `lead-router replay` through a running service's admin API (--url or LEAD_ROUTER_URL), the way
// `config publish` goes: the CLI's own DATABASE_URL here is unreachable, so a replay that
// succeeds went through the service.
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { parseEnv } from '../../src/config/index.js';
import { leadBody, testApiKey, useTestSystem } from '../support/system.js';

const editor = 'editor-token-0123456789';
// Not working: a replayed event stays 'received' for us to see.
const sys = useTestSystem(() => ({ env: { ADMIN_TOKENS: `editor:${editor}` }, migrate: true }));
let url: string;
let deadId: string;

beforeAll(async () => {
  url = await sys.app.listen({ port: 0, host: '127.0.0.1' });
  const res = await sys.app.inject({
    method: 'POST',
    url: '/v1/leads',
    headers: { 'content-type': 'application/json', 'x-api-key': testApiKey },
    payload: leadBody('replay-cli-1'),
  });
  deadId = res.json().eventId;
  // A route dead letter: the event's retries ran out with a code.
  await sys.sql.rows(
    `update inbound_events set status = 'failed', error_code = 'MAPPING_FAILED', attempts = 9, last_error = 'gave up', last_attempt_at = now() where id = $1`,
    [deadId],
  );
});

async function replay(args: string[], vars: Record<string, string>) {
  const lines: string[] = [];
  const env = parseEnv({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', LOG_LEVEL: 'silent', ...vars });
  const code = await runCli(['replay', ...args], { env, io: { out: (l) => lines.push(l), err: (l) => lines.push(l) } });
  return { code, lines };
}

describe('lead-router replay through the admin API', () => {
  it('needs an editor token: without one, exit 1 saying which variable to set; nothing replayed', async () => {
    expect(await replay(['--url', url], {})).toEqual({
      code: 1,
      lines: [
        expect.stringMatching(/^replay failed: UNAUTHORIZED: .*; set LEAD_ROUTER_ADMIN_TOKEN to an editor token$/),
      ],
    });
    expect(await sys.sql.rows(`select status from inbound_events where id = $1`, [deadId])).toEqual([
      { status: 'failed' },
    ]);
  });

  it('dry run with --url, then replays with LEAD_ROUTER_URL, once', async () => {
    expect(
      await replay(['--url', url, '--code', 'MAPPING_FAILED', '--dry-run'], { LEAD_ROUTER_ADMIN_TOKEN: editor }),
    ).toEqual({
      code: 0,
      lines: [`would replay route ${deadId}`, `dry run: 1 would be replayed, 0 skipped (through ${url})`],
    });
    expect(await sys.sql.rows(`select status from inbound_events where id = $1`, [deadId])).toEqual([
      { status: 'failed' },
    ]);

    expect(
      await replay(['--kind', 'route', '--since', '2020-01-01T00:00:00Z'], {
        LEAD_ROUTER_URL: url,
        LEAD_ROUTER_ADMIN_TOKEN: editor,
      }),
    ).toEqual({ code: 0, lines: [`replayed route ${deadId}`, `1 replayed, 0 skipped (through ${url})`] });
    expect(await sys.sql.rows(`select status, attempts from inbound_events where id = $1`, [deadId])).toEqual([
      { status: 'received', attempts: 0 },
    ]);
    expect(await replay(['--json'], { LEAD_ROUTER_URL: url, LEAD_ROUTER_ADMIN_TOKEN: editor })).toEqual({
      code: 0,
      lines: [JSON.stringify({ dryRun: false, replayed: [], skipped: [] }, null, 2)],
    });
  });

  it('exits 1 naming the service when it cannot be reached', async () => {
    const r = await replay(['--url', 'http://127.0.0.1:1'], { LEAD_ROUTER_ADMIN_TOKEN: editor });
    expect(r.code).toBe(1);
    expect(r.lines[0]).toMatch(/^replay failed: could not reach the service at http:\/\/127\.0\.0\.1:1 \(from --url\)/);
  });
});
