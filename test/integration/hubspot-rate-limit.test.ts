// The portal's rate limit holds across the whole flow (webhook -> route batch -> batch read ->
// outbox -> batch update): against a stand-in HubSpot that answers 429 past 3 requests per
// rolling second, a burst of 150 leads gets every owner written exactly once and HubSpot never
// has to say 429. Reads and writes share the connector's one bucket; when it is empty the
// batches wait (and grow) instead of failing.
import { expect, it } from 'vitest';
import { signedHubSpotWebhook, startHubSpotStandIn, type HubSpotStandIn } from '../support/hubspot-standin.js';
import { useTestSystem } from '../support/system.js';
import { until } from '../support/until.js';

const clientSecret = 'rate-limit-secret-0001';
const budget = { requests: 3, windowMs: 1000 };
const ids = Array.from({ length: 150 }, (_, i) => String(9000 + i));

let standIn: HubSpotStandIn;

const sys = useTestSystem(async () => {
  standIn = await startHubSpotStandIn({
    rateLimit: budget,
    records: {
      contacts: Object.fromEntries(
        ids.map((id) => [id, { email: `c${id}@acme.example`, company: 'ACME', hubspot_owner_id: null }]),
      ),
    },
    owners: [{ id: '101' }, { id: '102' }, { id: '103' }],
  });
  const hubspot = {
    baseUrl: standIn.url,
    auth: { kind: 'private_app', token: 'pat-rl' },
    clientSecret,
    rateLimit: budget,
  };
  const env = {
    HUBSPOT_CONFIG: JSON.stringify(hubspot),
    CONFIG_FILE: 'fixtures/config/hubspot-e2e.yaml',
    // Enough jobs in flight for group commit to fill a batch while the bucket is empty.
    WORKER_CONCURRENCY: '200',
    ROUTE_BATCH_MAX: '100',
    SWEEP_AFTER_MS: '30000',
  };
  return { env, working: true, migrate: true, after: () => standIn?.close() };
});

const signed = (events: unknown[]) => signedHubSpotWebhook(clientSecret, events);

it('a burst of 150 leads against 3 requests / s: every owner written once, zero 429s, the bucket waited', async () => {
  const batches = [ids.slice(0, 50), ids.slice(50, 100), ids.slice(100)].map((part, b) =>
    part.map((id, i) => ({
      eventId: 50_000 + b * 100 + i,
      subscriptionType: 'contact.creation',
      objectId: Number(id),
      occurredAt: Date.now(),
      portalId: 62515,
    })),
  );
  const acks = await Promise.all(batches.map((events) => sys.app.inject(signed(events))));
  expect(acks.map((a) => a.statusCode)).toEqual([200, 200, 200]);

  await until(() => new Set(standIn.writes.map((w) => w.id)).size === ids.length, {
    timeoutMs: 45_000,
    what: `all ${ids.length} owners written (have ${new Set(standIn.writes.map((w) => w.id)).size})`,
  });
  const perRecord = new Map<string, number>();
  for (const w of standIn.writes) perRecord.set(w.id, (perRecord.get(w.id) ?? 0) + 1);
  expect([...perRecord.values()].every((n) => n === 1)).toBe(true);
  expect(
    standIn.writes.every(
      (w) => ['101', '102', '103'].includes(w.properties.hubspot_owner_id!) && Object.keys(w.properties).length === 1,
    ),
  ).toBe(true);

  const statuses = standIn.requests.map((r) => r.status);
  expect(statuses.filter((s) => s === 429)).toEqual([]);
  // More requests than one window allows: the flow crossed window boundaries by waiting.
  expect(statuses.length).toBeGreaterThan(budget.requests);
  // Batching did its part: far fewer calls than leads (a read and a write per lead would be 300).
  // Loose on purpose: how many calls a burst takes depends on how the jobs happen to group.
  expect(statuses.length).toBeLessThanOrEqual(40);
  // The stand-in has every write; our outbox marks them done once HubSpot's answers are read.
  const outbox = async () =>
    (
      await sys.sql.rows<{ done: string; other: string }>(
        `select count(*) filter (where status = 'done') done, count(*) filter (where status <> 'done') other from outbox`,
      )
    )[0]!;
  await until(async () => (await outbox()).done === String(ids.length), { what: 'every outbox row done' });
  expect(await outbox()).toEqual({ done: String(ids.length), other: '0' });
}, 60_000);
