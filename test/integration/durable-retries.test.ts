// Invariant 6 under an outage longer than the old 8-try window (docs/failures.md): HubSpot's write
// API answers 500 while its reads work. Routing goes on (decisions stored), writes wait on their
// rows' schedule in Postgres and behind the circuit, a Redis flush in the middle loses nothing,
// and after the recovery every lead is written exactly once. Time is compressed through env
// (RETRY_BASE_MS=20, RETRY_MAX_MS=200, CIRCUIT_OPEN_MS=400), not faked.
import { expect, it } from 'vitest';
import { buildApp } from '../../src/http/index.js';
import { createLogger } from '../../src/logger.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { signedHubSpotWebhook, startHubSpotStandIn, type HubSpotStandIn } from '../support/hubspot-standin.js';
import { clearQueuePrefix } from '../support/services.js';
import { useTestSystem } from '../support/system.js';
import { until } from '../support/until.js';

const clientSecret = 'durable-secret-0001';
const ids = Array.from({ length: 20 }, (_, i) => String(7000 + i));
const circuitFailures = 3;
const openMs = 400;
const jobAttempts = 8;

let standIn: HubSpotStandIn;
let proxy: FaultProxy;

const sys = useTestSystem(async () => {
  standIn = await startHubSpotStandIn({
    records: {
      contacts: Object.fromEntries(
        ids.map((id) => [id, { email: `c${id}@acme.example`, company: 'ACME', hubspot_owner_id: null }]),
      ),
    },
    owners: [{ id: '101' }, { id: '102' }, { id: '103' }],
  });
  proxy = await startFaultProxy(standIn.url, { match: /\/batch\/update$/ });
  // maxRetries 0: one HTTP request per connector call, so the proxy's log counts calls.
  const hubspot = {
    baseUrl: proxy.url,
    auth: { kind: 'private_app', token: 'pat-durable' },
    clientSecret,
    maxRetries: 0,
    retryBaseDelayMs: 1,
  };
  const env = {
    HUBSPOT_CONFIG: JSON.stringify(hubspot),
    CONFIG_FILE: 'fixtures/config/hubspot-e2e.yaml',
    JOB_ATTEMPTS: String(jobAttempts),
    RETRY_BASE_MS: '20',
    RETRY_MAX_MS: '200',
    RETRY_HORIZON_MS: '600000',
    CIRCUIT_FAILURES: String(circuitFailures),
    CIRCUIT_OPEN_MS: String(openMs),
    // Also the write lease: long enough for a write call on a busy machine, short enough that a
    // job id a partial Redis flush orphaned is swept under a new one within the test.
    SWEEP_AFTER_MS: '10000',
  };
  return {
    env,
    working: true,
    migrate: true,
    after: async () => {
      await proxy?.close();
      await standIn?.close();
    },
  };
});

const outbox = async () =>
  (
    await sys.sql.rows<{
      n: string;
      pending: string;
      done: string;
      min_attempts: number | null;
      max_attempts: number | null;
    }>(
      `select count(*) n, count(*) filter (where status = 'pending') pending, count(*) filter (where status = 'done') done, min(attempts) min_attempts, max(attempts) max_attempts from outbox`,
    )
  )[0]!;

const signed = (events: unknown[]) => signedHubSpotWebhook(clientSecret, events);

it('HubSpot writes down past the old 8-try window, Redis flushed meanwhile: routing goes on, every owner is written exactly once after', async () => {
  proxy.down = true;
  const events = ids.map((id, i) => ({
    eventId: 80_000 + i,
    subscriptionType: 'contact.creation',
    objectId: Number(id),
    occurredAt: Date.now(),
    portalId: 62515,
  }));
  expect((await sys.app.inject(signed(events))).statusCode).toBe(200);

  // Routing does not wait for the CRM's writes: every decision is stored while the writes fail.
  await until(async () => Number((await outbox()).n) === ids.length, {
    what: 'every lead routed, its owner write stored',
  });
  await until(() => sys.rt.deps.durability!.circuits.states().hubspot === 'open', {
    what: 'the hubspot circuit to open',
  });

  // /readyz reports the CRM that is down and stays ready (intake and routing work).
  const health = buildApp({
    logger: createLogger({ level: 'silent' }),
    metrics: sys.rt.deps.metrics,
    bodyLimitBytes: 1024,
    checks: [],
    isShuttingDown: () => false,
    crmStates: () => sys.rt.deps.durability!.circuits.states(),
  });
  const ready = await health.inject({ url: '/readyz' });
  expect(ready.statusCode).toBe(200);
  // ...and how old the oldest write held back is (every lead is routed; writes wait).
  expect(ready.json()).toEqual({
    status: 'ok',
    checks: {},
    crms: { hubspot: 'open' },
    backlog: { unroutedEventSeconds: null, waitingLeadSeconds: null, pendingWriteSeconds: expect.any(Number) },
  });
  await health.close();

  // Half-way through, Redis loses every job (delayed nudges included): the schedule is in Postgres.
  // (While the circuit is open only its probe's writes are tried: the others wait untried.)
  await until(async () => ((await outbox()).max_attempts ?? 0) >= 4, {
    timeoutMs: 60_000,
    what: 'a write tried 4 times',
  });
  await clearQueuePrefix(sys.rt.env.QUEUE_PREFIX);
  await until(
    async () => ((await outbox()).max_attempts ?? 0) > jobAttempts && ((await outbox()).min_attempts ?? 0) >= 1,
    { timeoutMs: 60_000, what: `every write tried, one more than ${jobAttempts} times` },
  );

  // Nothing was given up: every row still waits for its next try, and the gauges say so.
  expect(await outbox()).toMatchObject({ n: String(ids.length), pending: String(ids.length), done: '0' });
  const scraped = await sys.rt.deps.metrics.registry.metrics();
  expect(scraped).toMatch(
    new RegExp(`backlog_rows\\{kind="writeback",crm="hubspot",state="retrying"\\} ${ids.length}\\b`),
  );
  expect(scraped).not.toMatch(/backlog_rows\{kind="writeback",crm="hubspot",state="dead"\} [1-9]/);
  expect(standIn.writes).toEqual([]);

  proxy.down = false;
  await until(async () => (await outbox()).done === String(ids.length), {
    timeoutMs: 60_000,
    what: 'every owner written after the recovery',
  }).catch(async (e: Error) => {
    const rows = await sys.sql.rows(
      `select status, attempts, next_attempt_at, last_attempt_at, now() as db_now from outbox where status <> 'done' order by next_attempt_at`,
    );
    throw new Error(
      `${e.message}; circuits ${JSON.stringify(sys.rt.deps.durability!.circuits.states())}; forwarded ${proxy.forwarded.length}, refused ${proxy.refused.length}; not done: ${JSON.stringify(rows)}`,
    );
  });
  const perRecord = new Map<string, number>();
  for (const w of standIn.writes) perRecord.set(w.id, (perRecord.get(w.id) ?? 0) + 1);
  expect([...perRecord.keys()].sort()).toEqual(ids);
  expect([...perRecord.values()].every((n) => n === 1)).toBe(true);
  expect(sys.rt.deps.durability!.circuits.states()).toEqual({ hubspot: 'closed' });

  // The circuit: after its first failures, at most one probe reached HubSpot per open period.
  const at = proxy.refused.map((r) => r.at);
  const tooClose = at.filter((t, i) => i > 0 && t - at[i - 1]! < openMs).length;
  expect(at.length).toBeGreaterThan(jobAttempts);
  expect(tooClose).toBeLessThanOrEqual(circuitFailures);
});
