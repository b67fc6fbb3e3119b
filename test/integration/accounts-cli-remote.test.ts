// `lead-router accounts sync --url <service> --token <editor>`: the sync runs inside the running
// service (POST /v1/admin/accounts/sync) and the command follows it to the end (GET), printing the
// progress and the result. The CLI's own DATABASE_URL is unreachable and it has no CRM configured,
// so a sync that succeeds went through the service.
import { beforeAll, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { parseEnv } from '../../src/config/index.js';
import { startHubSpotStandIn, type HubSpotStandIn } from '../support/hubspot-standin.js';
import { useTestSystem } from '../support/system.js';

const editor = 'editor-token-accounts-0123';
const viewer = 'viewer-token-accounts-0123';
let hs: HubSpotStandIn;
const sys = useTestSystem(async () => {
  hs = await startHubSpotStandIn({
    records: {
      companies: Object.fromEntries(
        Array.from({ length: 150 }, (_, i) => [String(900 + i), { name: `Co ${i}`, domain: `rco${i}.example` }]),
      ),
    },
  });
  const hubspot = { baseUrl: hs.url, auth: { kind: 'private_app', token: 'pat-remote' }, clientSecret: 'remote-0001' };
  return {
    env: { ADMIN_TOKENS: `editor:${editor},viewer:${viewer}`, HUBSPOT_CONFIG: JSON.stringify(hubspot) },
    migrate: true,
    after: () => hs?.close(),
  };
});
let url: string;

beforeAll(async () => {
  url = await sys.app.listen({ port: 0, host: '127.0.0.1' });
});

async function sync(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const env = parseEnv({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', LOG_LEVEL: 'silent' });
  const code = await runCli(['accounts', 'sync', ...args], {
    env,
    io: { out: (l) => out.push(l), err: (l) => err.push(l) },
  });
  return { code, out, err };
}

it('starts the sync in the service, follows it to the end, and prints what it stored', async () => {
  const r = await sync('--url', url, '--token', editor);
  expect(r).toMatchObject({
    code: 0,
    out: [
      `hubspot accounts: 150 stored (full), 2 CRM calls, done (via ${url})`,
      `hubspot contacts: 0 stored (full), 1 CRM calls, done (via ${url})`,
    ],
  });
  expect(r.err).toContain('hubspot accounts (full): 150 stored, 2 calls, done');
  const [n] = await sys.sql.rows<{ n: number }>(`select count(*)::int as n from crm_accounts where crm = 'hubspot'`);
  expect(n!.n).toBe(150);
});

it("a CRM the service has not configured, or a viewer token, fails with the service's error", async () => {
  expect(await sync('--url', url, '--token', editor, '--crm', 'salesforce')).toMatchObject({
    code: 1,
    err: [expect.stringMatching(/^accounts sync failed: CONNECTOR_NOT_CONFIGURED: /)],
  });
  expect(await sync('--url', url, '--token', viewer)).toMatchObject({
    code: 1,
    err: [expect.stringMatching(/^accounts sync failed: FORBIDDEN: /)],
  });
});
