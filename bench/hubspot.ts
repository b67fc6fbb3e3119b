// npm run bench:hubspot [-- --rate 200 --seconds 10 --burst-rate 1200 --burst-seconds 20 --rtt-ms 0 --jitter-ms 0]
// Signed contact.creation webhooks against the real CLI processes (`serve` + one `worker` on
// DATABASE_URL / REDIS_URL), with HUBSPOT_CONFIG pointing at a stand-in HubSpot started here and
// limited like a private app: 190 requests per rolling 10 s. Every lead costs a batch READ of the
// contact (per route batch) and a batch UPDATE of its owner (per write batch), from one bucket.
//
// Two phases, one JSON line:
// 1. latency: `rate` leads/s (one event per webhook), webhook sent -> owner set at the stand-in.
// 2. throughput: webhooks of 100 events at `burst-rate` leads/s, above the ceiling, so the
//    bucket is the bottleneck; owners_per_s is counted after the first window (the bucket starts
//    full: 190 requests are free in the first 10 s, which no steady state has).
// Ceiling: per 100 owners one update (100 per batch) + 100 / ROUTE_BATCH_MAX reads, so
// 19 req/s / (1 + 100/100) * 100 = 950 owners/s with ROUTE_BATCH_MAX=100 (633/s at the default 50).
import { parseArgs } from 'node:util';
import pg from 'pg';
import { hubspotV3Signature, startHubSpotStandIn, type RecordedWrite } from '../test/support/hubspot-standin.js';
import { freePort, percentile, startCli, waitHealthy, freshDatabase } from './support.js';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '200' },
    'linger-ms': { type: 'string' },
    seconds: { type: 'string', default: '10' },
    'burst-rate': { type: 'string', default: '1200' },
    'burst-seconds': { type: 'string', default: '20' },
    // A real portal's round trip per API call: --rtt-ms 80 --jitter-ms 220 answers in 80-300 ms.
    'rtt-ms': { type: 'string', default: '0' },
    'jitter-ms': { type: 'string', default: '0' },
  },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const burstRate = Number(values['burst-rate']);
const burstSeconds = Number(values['burst-seconds']);
const limit = { requests: 190, windowMs: 10_000 };
const routeBatchMax = 100;
const writeBatchMax = 100;
const clientSecret = 'bench-client-secret';
const ceilingPerS = ((limit.requests / (limit.windowMs / 1000)) * writeBatchMax) / (1 + writeBatchMax / routeBatchMax);

async function dropDatabase(baseUrl: string, url: string): Promise<void> {
  const c = new pg.Client({ connectionString: baseUrl });
  await c.connect();
  await c.query(`drop database if exists ${new URL(url).pathname.slice(1)} with (force)`);
  await c.end();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  if (!process.env.DATABASE_URL || !process.env.REDIS_URL)
    throw new Error('set DATABASE_URL and REDIS_URL (`. .ci/services.sh`)');
  const latencyLeads = Math.round(rate * seconds);
  const burstLeads = Math.round(burstRate * burstSeconds);
  const total = latencyLeads + burstLeads;
  const ids = Array.from({ length: total }, (_, i) => 100_000 + i);

  const standIn = await startHubSpotStandIn({
    rateLimit: limit,
    latency: { rttMs: Number(values['rtt-ms']), jitterMs: Number(values['jitter-ms']) },
    records: {
      contacts: Object.fromEntries(
        ids.map((id) => [
          String(id),
          { email: `c${id}@acme.example`, company: 'ACME', country: 'Germany', hubspot_owner_id: null },
        ]),
      ),
    },
    owners: [{ id: '101' }, { id: '102' }, { id: '103' }],
  });
  // Timestamps for what the stand-in records (same process, same clock as the senders).
  const writtenAt = new Map<string, number>();
  const requestAt: number[] = [];
  const pushWrite = standIn.writes.push.bind(standIn.writes);
  standIn.writes.push = (...ws: RecordedWrite[]) => {
    const t = performance.now();
    for (const w of ws) if (!writtenAt.has(w.id)) writtenAt.set(w.id, t);
    return pushWrite(...ws);
  };
  const pushRequest = standIn.requests.push.bind(standIn.requests);
  standIn.requests.push = (...rs) => {
    for (const _ of rs) requestAt.push(performance.now());
    return pushRequest(...rs);
  };

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const databaseUrl = (await freshDatabase(process.env.DATABASE_URL, 'hubspot')).url;
  const env: Record<string, string> = {
    PORT: String(port),
    PUBLIC_BASE_URL: base,
    INTAKE_API_KEYS: 'bench-key-0123456789',
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL,
    QUEUE_PREFIX: `lr-bench-hs-${Date.now()}`,
    CONFIG_FILE: 'fixtures/config/hubspot-e2e.yaml',
    HUBSPOT_CONFIG: JSON.stringify({
      baseUrl: standIn.url,
      auth: { kind: 'private_app', token: 'pat-bench' },
      clientSecret,
      rateLimit: limit,
    }),
    ROUTE_BATCH_MAX: String(routeBatchMax),
    WRITE_BATCH_MAX: String(writeBatchMax),
    ...(values['linger-ms'] !== undefined && { WRITE_LINGER_MS: values['linger-ms'] }),
    WORKER_PORT: '0',
    SWEEP_AFTER_MS: '60000',
  };
  const migrate = startCli(['migrate'], env);
  if ((await migrate.exited) !== 0) throw new Error(`migrate failed:\n${migrate.output()}`);
  // Group commit fills a batch only with jobs in flight: 2 batches of 100 running + 100 waiting, per queue.
  const procs = [startCli(['serve'], env), startCli(['worker'], { ...env, WORKER_CONCURRENCY: '400' })];
  await waitHealthy(`${base}/healthz`);

  const url = `${base}/webhooks/hubspot`;
  const sentAt = new Map<string, number>();
  let acked = 0;
  let refused = 0;
  const inflight: Promise<void>[] = [];
  const deliver = (batch: number[]) => {
    const body = JSON.stringify(
      batch.map((id) => ({
        eventId: id,
        subscriptionId: 1,
        portalId: 62515,
        attemptNumber: 0,
        occurredAt: Date.now(),
        subscriptionType: 'contact.creation',
        objectId: id,
        changeSource: 'FORM',
      })),
    );
    const timestamp = String(Date.now());
    const signature = hubspotV3Signature(clientSecret, 'POST', url, body, timestamp);
    const t = performance.now();
    for (const id of batch) sentAt.set(String(id), t);
    const p = fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hubspot-request-timestamp': timestamp,
        'x-hubspot-signature-v3': signature,
      },
      body,
    }).then(
      async (r) => {
        await r.arrayBuffer();
        if (r.status === 200) acked += batch.length;
        else refused += batch.length;
      },
      () => void (refused += batch.length),
    );
    inflight.push(p);
  };
  /** Open loop: webhook i leaves at start + i / perSecond, whatever the service answers. */
  const sendAtRate = async (list: number[], perWebhook: number, leadsPerS: number) => {
    const start = performance.now();
    const intervalMs = (1000 * perWebhook) / leadsPerS;
    for (let i = 0; i * perWebhook < list.length; i++) {
      const due = start + i * intervalMs;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      deliver(list.slice(i * perWebhook, (i + 1) * perWebhook));
    }
  };
  const waitWritten = async (list: number[], timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && !list.every((id) => writtenAt.has(String(id)))) await sleep(50);
  };

  // Phase 1: latency at `rate` leads/s.
  const latencyIds = ids.slice(0, latencyLeads);
  const p1Requests = standIn.requests.length;
  const p1Start = performance.now();
  await sendAtRate(latencyIds, 1, rate);
  await waitWritten(latencyIds, 60_000);
  const p1End = performance.now();
  const phase1 = standIn.requests.slice(p1Requests);
  const lat = latencyIds
    .flatMap((id) => (writtenAt.has(String(id)) ? [writtenAt.get(String(id))! - sentAt.get(String(id))!] : []))
    .sort((a, b) => a - b);

  // Phase 2: above the ceiling; the bucket is the bottleneck.
  await sleep(limit.windowMs + 500); // let phase 1's tokens come back, so both phases start alike
  const burstIds = ids.slice(latencyLeads);
  const p2Requests = standIn.requests.length;
  const p2Start = performance.now();
  await sendAtRate(burstIds, 100, burstRate);
  await waitWritten(burstIds, 120_000);
  const phase2 = standIn.requests.slice(p2Requests);
  const p2Times = burstIds.flatMap((id) => (writtenAt.has(String(id)) ? [writtenAt.get(String(id))! - p2Start] : []));
  const steadyFromMs = limit.windowMs;
  const steadyToMs = Math.max(...p2Times);
  const steadyOwners = p2Times.filter((t) => t > steadyFromMs).length;

  await Promise.all(inflight);
  for (const p of procs) p.child.kill('SIGTERM');
  await Promise.all(procs.map((p) => p.exited));
  await standIn.close();
  await dropDatabase(process.env.DATABASE_URL, databaseUrl);

  const perRecord = new Map<string, number>();
  for (const w of standIn.writes) perRecord.set(w.id, (perRecord.get(w.id) ?? 0) + 1);
  const batchSizes = (reqs: typeof phase1, kind: 'read' | 'update') => {
    const sizes = reqs
      .filter((r) => r.path.endsWith(`/batch/${kind}`) && r.status < 300)
      .map((r) => (r.body as { inputs: unknown[] }).inputs.length);
    return {
      calls: sizes.length,
      avg: Math.round((sizes.reduce((a, b) => a + b, 0) / Math.max(1, sizes.length)) * 10) / 10,
    };
  };
  const maxInWindow = (() => {
    let max = 0;
    for (let i = 0, j = 0; i < requestAt.length; i++) {
      while (requestAt[i]! - requestAt[j]! >= limit.windowMs) j++;
      max = Math.max(max, i - j + 1);
    }
    return max;
  })();
  const count429 = (reqs: typeof phase1) => reqs.filter((r) => r.status === 429).length;

  console.log(
    JSON.stringify({
      bench: 'hubspot',
      mode: 'serve + 1 worker, postgres + redis; stand-in HubSpot 190 req / 10 s',
      rtt_ms: Number(values['rtt-ms']),
      jitter_ms: Number(values['jitter-ms']),
      owners_per_s: Math.round(steadyOwners / ((steadyToMs - steadyFromMs) / 1000)),
      ceiling_per_s: ceilingPerS,
      ceiling_note: `${limit.requests} req / ${limit.windowMs / 1000} s = 19 req/s; per ${writeBatchMax} owners 1 batch update + ${writeBatchMax / routeBatchMax} batch read (ROUTE_BATCH_MAX=${routeBatchMax}) = ${1 + writeBatchMax / routeBatchMax} requests`,
      throttled_429: count429(phase1) + count429(phase2),
      throttled_429_steady: count429(phase2),
      owner_set_p50_ms: percentile(lat, 50),
      owner_set_p99_ms: percentile(lat, 99),
      owner_set_max_ms: percentile(lat, 100),
      latency_rate_per_s: rate,
      latency_leads: latencyLeads,
      latency_api_requests_per_s: Math.round((phase1.length / ((p1End - p1Start) / 1000)) * 10) / 10,
      latency_read_batches: batchSizes(phase1, 'read'),
      latency_write_batches: batchSizes(phase1, 'update'),
      burst_rate_per_s: burstRate,
      burst_leads: burstLeads,
      burst_read_batches: batchSizes(phase2, 'read'),
      burst_write_batches: batchSizes(phase2, 'update'),
      max_requests_in_any_10s: maxInWindow,
      acked,
      refused,
      lost: ids.filter((id) => !perRecord.has(String(id))).length,
      duplicated: [...perRecord.values()].filter((n) => n > 1).length,
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
