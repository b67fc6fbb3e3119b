// npm run bench:owner-latency [-- --rtt-ms 100 --jitter-ms 0 --seconds 10 --rates 1,9,10,100,200 --burst-leads 20000
//   --crms hubspot,salesforce]
// Lead created in the CRM -> owner set in the CRM, with stand-ins that answer like the real APIs
// (every call takes --rtt-ms, plus up to --jitter-ms): the real CLI (`serve` + 1 `worker` on
// DATABASE_URL / REDIS_URL, a fresh database per CRM) against
// - HubSpot, limited like a private app (190 requests per rolling 10 s): signed contact.creation
//   webhooks carry no properties, so each lead costs a batch read and a batch owner update;
// - Salesforce: one outbound message per lead carrying only some fields (a typical selection),
//   so each lead costs a read and an sObject Collections update too.
// Per rate (open loop, one lead per webhook/message) owner-set p50/p99, measured at the stand-in
// (the owner is set when the CRM handles the write: half a round trip before our answer). Each
// HubSpot phase starts on a full window (we wait one out before it), like bench:hubspot. Then a
// burst of --burst-leads on HubSpot in webhooks of 100 at 1,200/s, above the ceiling: owners/s
// after the first window against the ceiling (190 / 10 s, one read and one update per 100).
// Per rate, where the time went (bench/owner-latency-stages.ts): policy waits vs work vs CPU.
// bench:owner-latency-policy gives the same policy's figures with no CPU at all (the floor).
// Targets (issue 19): <= 10 leads/s p99 <= 2 RTT + 30 ms; 200/s HubSpot p99 <= 300 ms; burst >=
// 98% of the ceiling; no 429 while steady.
import { parseArgs } from 'node:util';
import { hubspotV3Signature, startHubSpotStandIn } from '../test/support/hubspot-standin.js';
import {
  aLeadRecord,
  outboundMessage,
  sfId,
  someFields,
  standinOrg,
  standinSalesforceConfig,
  SF_OUTBOUND_TOKEN,
} from '../test/support/salesforce-outbound.js';
import { startSalesforceStandin } from '../test/support/salesforce-standin.js';
import { freePort, freshDatabase, percentile, root, startCli, waitHealthy } from './support.js';
import { scrapeStages, stageFigures, type Arrival, type LeadStamps } from './owner-latency-stages.js';

const { values } = parseArgs({
  options: {
    'rtt-ms': { type: 'string', default: '100' },
    'jitter-ms': { type: 'string', default: '0' },
    seconds: { type: 'string', default: '10' },
    rates: { type: 'string', default: '1,9,10,100,200' },
    'burst-leads': { type: 'string', default: '20000' },
    'burst-rate': { type: 'string', default: '1200' },
    /** Which CRMs to run (one alone, to iterate on it); the JSON's figures for the other are null. */
    crms: { type: 'string', default: 'hubspot,salesforce' },
  },
});
const latency = { rttMs: Number(values['rtt-ms']), jitterMs: Number(values['jitter-ms']) };
const seconds = Number(values.seconds);
const rates = values.rates!.split(',').map(Number);
const burstLeads = Number(values['burst-leads']);
const burstRate = Number(values['burst-rate']);
const crms = new Set(values.crms!.split(','));
const limit = { requests: 190, windowMs: 10_000 };
const batchMax = 100; // HubSpot's batch size, for reads (ROUTE_BATCH_MAX) and updates alike
const ceilingPerS = ((limit.requests / (limit.windowMs / 1000)) * batchMax) / 2;
const clientSecret = 'bench-client-secret';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Leads sent first and not counted: JIT, pools, the first config read and CRM session. */
const warmupLeads = 20;

/** When each record's owner was first set (stand-in clock = ours: same process). */
function stampFirstWrite<W extends { id: string }>(writes: W[]): Map<string, number> {
  const at = new Map<string, number>();
  const push = writes.push.bind(writes);
  writes.push = (...ws: W[]) => {
    const t = performance.now();
    for (const w of ws) if (!at.has(w.id)) at.set(w.id, t);
    return push(...ws);
  };
  return at;
}

/** The CLI (`migrate`, `serve`, one `worker`) on a fresh database, with the CRM config in `env`. */
async function startService(name: string, crmEnv: Record<string, string>) {
  const port = await freePort();
  const workerPort = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const db = await freshDatabase(process.env.DATABASE_URL!, name);
  const env: Record<string, string> = {
    PORT: String(port),
    PUBLIC_BASE_URL: base,
    INTAKE_API_KEYS: 'bench-key-0123456789',
    DATABASE_URL: db.url,
    REDIS_URL: process.env.REDIS_URL!,
    QUEUE_PREFIX: `lr-bench-${name}-${Date.now()}`,
    ROUTE_BATCH_MAX: String(batchMax),
    WORKER_PORT: String(workerPort),
    SWEEP_AFTER_MS: '60000',
    ...crmEnv,
  };
  const migrate = startCli(['migrate'], env);
  if ((await migrate.exited) !== 0) throw new Error(`migrate failed:\n${migrate.output()}`);
  // Group commit fills a batch only with jobs in hand: two write batches in flight and one waiting.
  const procs = [startCli(['serve'], env), startCli(['worker'], { ...env, WORKER_CONCURRENCY: '400' })];
  await waitHealthy(`${base}/healthz`);
  await waitHealthy(`http://127.0.0.1:${workerPort}/healthz`);
  return {
    base,
    stages: () => scrapeStages(`http://127.0.0.1:${workerPort}/metrics`),
    async stop() {
      for (const p of procs) p.child.kill('SIGTERM');
      await Promise.all(procs.map((p) => p.exited));
      await db.drop();
    },
  };
}

/** Open loop: item i goes at start + i * intervalMs, whatever the service answered. */
async function sendAtRate(count: number, perSecond: number, send: (i: number) => void): Promise<void> {
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const wait = start + (i * 1000) / perSecond - performance.now();
    if (wait > 1) await sleep(wait);
    send(i);
  }
}

async function waitAll(ids: string[], done: Map<string, number>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !ids.every((id) => done.has(id))) await sleep(50);
}

function ownerSetFigures(ids: string[], sentAt: Map<string, number>, setAt: Map<string, number>) {
  const lat = ids.flatMap((id) => (setAt.has(id) ? [setAt.get(id)! - sentAt.get(id)!] : [])).sort((a, b) => a - b);
  return {
    leads: ids.length,
    p50_ms: percentile(lat, 50),
    p99_ms: percentile(lat, 99),
    lost: ids.length - lat.length,
    /** CRM calls the phase made (reads, writes, anything else), for the budget it spent. */
    calls: 0,
  };
}

/** The first arrival of each record id in the requests `idsOf` names (a read, or a write). */
function firstArrivals<Q extends Arrival>(requests: Q[], idsOf: (r: Q) => string[]): Map<string, Arrival> {
  const at = new Map<string, Arrival>();
  for (const r of requests) for (const id of idsOf(r)) if (!at.has(id)) at.set(id, { at: r.at, rttMs: r.rttMs });
  return at;
}

/** A phase's per-lead stamps: sent, acked, record read and owner write arrivals. */
function stamps(
  ids: string[],
  sentAt: Map<string, number>,
  ackAt: Map<string, number>,
  reads: Map<string, Arrival>,
  writes: Map<string, Arrival>,
): LeadStamps[] {
  return ids.map((id) => ({
    sentAt: sentAt.get(id)!,
    ackAt: ackAt.get(id),
    read: reads.get(id),
    write: writes.get(id),
  }));
}

async function hubspotRun() {
  const perPhase = rates.map((r) => Math.max(1, Math.round(r * seconds)));
  const total = warmupLeads + perPhase.reduce((a, b) => a + b, 0) + burstLeads;
  const ids = Array.from({ length: total }, (_, i) => String(100_000 + i));
  const standIn = await startHubSpotStandIn({
    rateLimit: limit,
    latency,
    records: {
      contacts: Object.fromEntries(
        ids.map((id) => [id, { email: `c${id}@acme.example`, company: 'ACME', country: 'Germany' }]),
      ),
    },
    owners: [{ id: '101' }, { id: '102' }, { id: '103' }],
  });
  const setAt = stampFirstWrite(standIn.writes);
  const service = await startService('owner_hs', {
    CONFIG_FILE: 'fixtures/config/hubspot-e2e.yaml',
    HUBSPOT_CONFIG: JSON.stringify({
      baseUrl: standIn.url,
      auth: { kind: 'private_app', token: 'pat-bench' },
      clientSecret,
      rateLimit: limit,
    }),
  });
  const url = `${service.base}/webhooks/hubspot`;
  const sentAt = new Map<string, number>();
  const ackAt = new Map<string, number>();
  const inflight: Promise<unknown>[] = [];
  const deliver = (batch: string[]) => {
    const body = JSON.stringify(
      batch.map((id) => ({
        eventId: Number(id),
        subscriptionId: 1,
        portalId: 62515,
        attemptNumber: 0,
        occurredAt: Date.now(),
        subscriptionType: 'contact.creation',
        objectId: Number(id),
        changeSource: 'FORM',
      })),
    );
    const timestamp = String(Date.now());
    const t = performance.now();
    for (const id of batch) sentAt.set(id, t);
    inflight.push(
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hubspot-request-timestamp': timestamp,
          'x-hubspot-signature-v3': hubspotV3Signature(clientSecret, 'POST', url, body, timestamp),
        },
        body,
      }).then(
        (r) => {
          const now = performance.now();
          for (const id of batch) ackAt.set(id, now);
          return r.arrayBuffer();
        },
        () => undefined,
      ),
    );
  };
  const inputIds = (path: string) => (r: (typeof standIn.requests)[number]) =>
    r.path.endsWith(path) && r.status === 200
      ? ((r.body as { inputs?: Array<{ id: string }> }).inputs ?? []).map((i) => String(i.id))
      : [];
  const phaseStages = async (phaseIds: string[], from: number, before: Awaited<ReturnType<typeof service.stages>>) => {
    const reqs = standIn.requests.slice(from);
    return stageFigures(
      stamps(
        phaseIds,
        sentAt,
        ackAt,
        firstArrivals(reqs, inputIds('/batch/read')),
        firstArrivals(reqs, inputIds('/batch/update')),
      ),
      before,
      await service.stages(),
    );
  };
  const count429 = (from: number) => standIn.requests.slice(from).filter((r) => r.status === 429).length;
  try {
    const phases: Record<string, ReturnType<typeof ownerSetFigures>> = {};
    const stagesAt: Record<string, Awaited<ReturnType<typeof phaseStages>>> = {};
    let next = warmupLeads;
    await sendAtRate(warmupLeads, 10, (i) => deliver([ids[i]!]));
    await waitAll(ids.slice(0, warmupLeads), setAt, 60_000);
    let throttled = 0;
    for (const [k, rate] of rates.entries()) {
      await sleep(limit.windowMs + 500); // a full window, as a quiet portal has
      const phaseIds = ids.slice(next, (next += perPhase[k]!));
      const from = standIn.requests.length;
      const before = await service.stages();
      await sendAtRate(phaseIds.length, rate, (i) => deliver([phaseIds[i]!]));
      await waitAll(phaseIds, setAt, 60_000);
      phases[rate] = { ...ownerSetFigures(phaseIds, sentAt, setAt), calls: standIn.requests.length - from };
      stagesAt[rate] = await phaseStages(phaseIds, from, before);
      throttled += count429(from);
    }
    // Burst: webhooks of 100 above the ceiling; the bucket is the bottleneck.
    await sleep(limit.windowMs + 500);
    const burstIds = ids.slice(next);
    const from = standIn.requests.length;
    const start = performance.now();
    await sendAtRate(Math.ceil(burstIds.length / 100), burstRate / 100, (i) =>
      deliver(burstIds.slice(i * 100, (i + 1) * 100)),
    );
    await waitAll(burstIds, setAt, 180_000);
    throttled += count429(from);
    // The window starts full: 190 requests are free in the first 10 s, which no steady state has.
    const times = burstIds.flatMap((id) => (setAt.has(id) ? [setAt.get(id)! - start] : []));
    const end = Math.max(...times);
    const steady = times.filter((t) => t > limit.windowMs).length;
    const burstOwnersPerS = steady / ((end - limit.windowMs) / 1000);
    await Promise.all(inflight);
    return { phases, stages: stagesAt, throttled, burstOwnersPerS, burstLost: burstIds.length - times.length };
  } finally {
    await service.stop();
    await standIn.close();
  }
}

async function salesforceRun() {
  const perPhase = rates.map((r) => Math.max(1, Math.round(r * seconds)));
  const records = Array.from({ length: warmupLeads + perPhase.reduce((a, b) => a + b, 0) }, (_, i) =>
    aLeadRecord(i, 'L'),
  );
  const rest = await startSalesforceStandin({ ...standinOrg(records), latency });
  const setAt = stampFirstWrite(rest.writes);
  const service = await startService('owner_sf', {
    CONFIG_FILE: `${root}fixtures/config/salesforce-e2e.yaml`,
    SALESFORCE_CONFIG: standinSalesforceConfig(rest.url),
    WRITE_BATCH_MAX: '200',
  });
  const url = `${service.base}/webhooks/salesforce/${SF_OUTBOUND_TOKEN}`;
  const sentAt = new Map<string, number>();
  const ackAt = new Map<string, number>();
  const inflight: Promise<unknown>[] = [];
  // Reads: a SOQL query naming the Ids; writes: sObject Collections updates.
  const readIds = (r: (typeof rest.requests)[number]) =>
    r.method === 'GET' && r.path.includes('/query')
      ? [...decodeURIComponent(r.path.replace(/\+/g, ' ')).matchAll(/'(00Q\w{15})'/g)].map((m) => m[1]!)
      : [];
  const writeIds = (r: (typeof rest.requests)[number]) =>
    r.method === 'PATCH' && r.path.endsWith('/composite/sobjects')
      ? // jsforce sends the record's id as `id`.
        ((JSON.parse(r.body) as { records?: Array<{ id?: string; Id?: string }> }).records ?? []).map(
          (x) => x.id ?? x.Id ?? '',
        )
      : [];
  try {
    const phases: Record<string, ReturnType<typeof ownerSetFigures>> = {};
    const stagesAt: Record<string, ReturnType<typeof stageFigures>> = {};
    let next = 0;
    for (const [k, rate] of [[-1, 10] as const, ...rates.entries()]) {
      const first = next;
      const phase = records.slice(first, (next += k === -1 ? warmupLeads : perPhase[k]!));
      const from = rest.requests.length;
      const before = await service.stages();
      await sendAtRate(phase.length, rate, (i) => {
        const rec = phase[i]!;
        sentAt.set(rec.Id as string, performance.now());
        inflight.push(
          fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
            body: outboundMessage([{ id: sfId('04l', first + i, 'L'), fields: someFields(rec) }]),
          }).then(
            (r) => {
              ackAt.set(rec.Id as string, performance.now());
              return r.arrayBuffer();
            },
            () => undefined,
          ),
        );
      });
      const ids = phase.map((r) => r.Id as string);
      await waitAll(ids, setAt, 60_000);
      if (k === -1) continue;
      const reqs = rest.requests.slice(from);
      phases[rate] = { ...ownerSetFigures(ids, sentAt, setAt), calls: reqs.length };
      stagesAt[rate] = stageFigures(
        stamps(ids, sentAt, ackAt, firstArrivals(reqs, readIds), firstArrivals(reqs, writeIds)),
        before,
        await service.stages(),
      );
    }
    await Promise.all(inflight);
    return { phases, stages: stagesAt };
  } finally {
    await service.stop();
    await rest.close();
  }
}

async function main() {
  if (!process.env.DATABASE_URL || !process.env.REDIS_URL)
    throw new Error('set DATABASE_URL and REDIS_URL (`. .ci/services.sh`)');
  const none = { phases: {}, stages: {}, throttled: 0, burstOwnersPerS: 0, burstLost: 0 };
  const hs = crms.has('hubspot') ? await hubspotRun() : none;
  const sf = crms.has('salesforce') ? await salesforceRun() : none;
  const at = (phases: Record<string, ReturnType<typeof ownerSetFigures>>, rate: number) => phases[rate]?.p99_ms ?? null;
  console.log(
    JSON.stringify({
      bench: 'owner-latency',
      mode: 'serve + 1 worker, postgres + redis; stand-ins answer every call in rtt_ms + [0, jitter_ms)',
      rtt_ms: latency.rttMs,
      jitter_ms: latency.jitterMs,
      target_p99_ms_at_10: 2 * latency.rttMs + 30,
      // The floor at 10 leads/s on HubSpot: a lead alone costs a read and a write, 20 calls/s
      // against 19 allowed, so about 1 lead in 20 (9 of the phase's 100, from a full window)
      // must share a call with the next one, which comes 100 ms later: p99 >= 2 RTT + 100 ms + the
      // fixed costs (bench:owner-latency-policy: 265 ms at RTT 100). At 9/s (18 calls/s) nothing
      // has to wait.
      hubspot_calls_per_s_needed_at_10: 20,
      hubspot_calls_per_s_allowed: limit.requests / (limit.windowMs / 1000),
      hubspot_p99_ms_at_1: at(hs.phases, 1),
      hubspot_p99_ms_at_9: at(hs.phases, 9),
      hubspot_p99_ms_at_10: at(hs.phases, 10),
      hubspot_p99_ms_at_100: at(hs.phases, 100),
      hubspot_p99_ms_at_200: at(hs.phases, 200),
      salesforce_p99_ms_at_1: at(sf.phases, 1),
      salesforce_p99_ms_at_9: at(sf.phases, 9),
      salesforce_p99_ms_at_10: at(sf.phases, 10),
      salesforce_p99_ms_at_100: at(sf.phases, 100),
      salesforce_p99_ms_at_200: at(sf.phases, 200),
      burst_leads: burstLeads,
      burst_owners_per_s: Math.round(hs.burstOwnersPerS),
      ceiling_per_s: ceilingPerS,
      burst_share_of_ceiling: Math.round((hs.burstOwnersPerS / ceilingPerS) * 1000) / 1000,
      burst_lost: hs.burstLost,
      throttled_429_steady: hs.throttled,
      hubspot: hs.phases,
      salesforce: sf.phases,
      hubspot_stages: hs.stages,
      salesforce_stages: sf.stages,
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
