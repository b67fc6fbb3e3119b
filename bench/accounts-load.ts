// npm run bench:accounts-load [-- --hubspot 1000000 --salesforce 1000000 --hubspot-rate 50 --sf-per-minute 600 --sf-opportunity-counts]
// The account mirror's initial load (docs/accounts.md) from the strict stand-ins into Postgres
// (DATABASE_URL, a fresh database dropped afterwards): `syncAccounts` as `lead-router accounts
// sync` runs it, through the real connectors (HubSpot SDK list pages of 100; jsforce SOQL with
// queryMore batches of 2,000), with the connectors' own rate limits set to the CRM's:
// - HubSpot: --hubspot-rate requests per second (default 50, NOT a real portal's limit: at a
//   private app's 19/s a million companies are 10,000 calls, 526 s of rate limit alone, past the
//   8-minute bench; `min_seconds_at_real_rate_limit` says what 19/s costs), daily allowance
//   250,000 (Professional) shown for the budget;
// - Salesforce: the connector's default 600 calls per minute, daily allowance 100,000 shown.
// Both CRMs load at once (each its own connector and sync, one Postgres pool), as a service with
// both configured would. One JSON object: per CRM, accounts loaded, seconds, accounts/s, calls
// used, the calls' share of the daily budget, and the fewest seconds the CRM's rate limit allows
// for those calls; the process's peak RSS (stand-ins included: they hold every record).
import { parseArgs } from 'node:util';
import { createHubSpotConnector } from '../connectors/hubspot/index.js';
import { createSalesforceConnector } from '../connectors/salesforce/index.js';
import { countMirrorAccounts, openPostgres } from '../src/db/index.js';
import { createLogger } from '../src/logger.js';
import { syncAccounts } from '../src/pipeline/index.js';
import { startHubSpotStandIn } from '../test/support/hubspot-standin.js';
import { startSalesforceStandin } from '../test/support/salesforce-standin.js';
import { freshDatabase } from './support.js';

const { values } = parseArgs({
  options: {
    hubspot: { type: 'string', default: '1000000' },
    salesforce: { type: 'string', default: '1000000' },
    'hubspot-rate': { type: 'string', default: '50' },
    'sf-per-minute': { type: 'string', default: '600' },
    'sf-opportunity-counts': { type: 'boolean', default: false },
  },
});
const hubspotCount = Number(values.hubspot);
const salesforceCount = Number(values.salesforce);
const hubspotPerS = Number(values['hubspot-rate']);
const sfPerMinute = Number(values['sf-per-minute']);
const budgets = { hubspotDaily: 250_000, salesforceDaily: 100_000 };

const baseUrl = process.env.DATABASE_URL;
if (!baseUrl) throw new Error('bench:accounts-load needs DATABASE_URL (a Postgres server)');
const database = await freshDatabase(baseUrl, 'accounts');
const handle = await openPostgres(database.url);
await handle.migrate();
const logger = createLogger({ level: 'warn' });
const deps = (connectors: Parameters<typeof syncAccounts>[0]['connectors']) => ({
  db: handle.db,
  connectors,
  logger,
  now: () => new Date(),
});
const stamp = '2026-01-05T08:00:00.000Z';
const out: Record<string, unknown> = {
  bench: 'accounts-load',
  note: 'stand-ins in this process; see docs/accounts.md',
};

async function loadHubSpot() {
  const companies: Record<string, Record<string, string>> = {};
  for (let i = 1; i <= hubspotCount; i++)
    companies[String(1_000_000 + i)] = {
      name: `Company ${i} GmbH`,
      domain: `company${i}.example`,
      hubspot_owner_id: String(100 + (i % 50)),
      hs_lastmodifieddate: stamp,
    };
  const hs = await startHubSpotStandIn({ records: { companies } });
  const windowMs = 10_000;
  const connector = createHubSpotConnector({
    baseUrl: hs.url,
    auth: { kind: 'private_app', token: 'pat-bench' },
    clientSecret: 'bench-secret-000',
    rateLimit: { requests: Math.round(hubspotPerS * (windowMs / 1000)), windowMs },
  });
  const t0 = performance.now();
  const result = await syncAccounts(deps({ hubspot: connector }), { crm: 'hubspot' });
  const seconds = (performance.now() - t0) / 1000;
  const calls = result.reduce((n, r) => n + r.calls, 0);
  out['hubspot'] = {
    accounts: result[0]!.loaded,
    seconds: Number(seconds.toFixed(1)),
    accounts_per_s: Math.round(result[0]!.loaded / seconds),
    calls,
    rate_limit_per_s: hubspotPerS,
    min_seconds_at_rate_limit: Number((calls / hubspotPerS).toFixed(1)),
    min_seconds_at_real_rate_limit: Number((calls / 19).toFixed(1)),
    daily_budget: budgets.hubspotDaily,
    daily_budget_used_pct: Number(((100 * calls) / budgets.hubspotDaily).toFixed(2)),
  };
  await hs.close();
}

async function loadSalesforce() {
  const id = (n: number) => `001${String(n).padStart(12, '0')}AAA`;
  const accounts = Array.from({ length: salesforceCount }, (_, i) => ({
    Id: id(i + 1),
    Name: `Account ${i + 1} Ltd`,
    Website: `https://www.account${i + 1}.example`,
    OwnerId: '0055g00000AnaAAAA1',
    SystemModstamp: '2026-01-05T08:00:00.000+0000',
  }));
  const sf = await startSalesforceStandin({
    accessToken: 'sf-bench',
    records: { Account: accounts },
    dailyApiLimit: budgets.salesforceDaily,
  });
  const connector = createSalesforceConnector({
    instanceUrl: sf.url,
    auth: { kind: 'access_token', accessToken: 'sf-bench' },
    organizationId: '00D5g000004XyZaEAK',
    outboundToken: 'bench-outbound-token-0000',
    accountOpportunityCounts: values['sf-opportunity-counts'],
    requestBudget: { maxRequestsPerMinute: sfPerMinute, reserveApiCalls: 1000 },
  });
  const t0 = performance.now();
  const result = await syncAccounts(deps({ salesforce: connector }), { crm: 'salesforce' });
  const seconds = (performance.now() - t0) / 1000;
  const calls = result.reduce((n, r) => n + r.calls, 0);
  out['salesforce'] = {
    accounts: result[0]!.loaded,
    seconds: Number(seconds.toFixed(1)),
    accounts_per_s: Math.round(result[0]!.loaded / seconds),
    calls,
    opportunity_counts: values['sf-opportunity-counts'],
    rate_limit_per_minute: sfPerMinute,
    min_seconds_at_rate_limit: Number(((calls / sfPerMinute) * 60).toFixed(1)),
    daily_budget: budgets.salesforceDaily,
    daily_budget_used_pct: Number(((100 * calls) / budgets.salesforceDaily).toFixed(2)),
  };
  await sf.close();
}

try {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await Promise.all([hubspotCount > 0 && loadHubSpot(), salesforceCount > 0 && loadSalesforce()]);
  const cpu = process.cpuUsage(cpu0);
  out['seconds'] = Number(((performance.now() - t0) / 1000).toFixed(1));
  out['process_cpu_s'] = Number(((cpu.user + cpu.system) / 1e6).toFixed(1));
  out['mirror'] = await countMirrorAccounts(handle.db);
  out['rss_mb'] = Math.round(process.memoryUsage().rss / 1_048_576);
  out['peak_rss_mb'] = Math.round(process.resourceUsage().maxRSS / 1024);
  console.log(JSON.stringify(out));
} finally {
  await handle.close();
  await database.drop();
}
