// npm run bench:salesforce [-- --messages 20] [--concurrency 4] [--latency-ms 0] [--jitter-ms 0] [--partial] [--linger-ms N]
// Salesforce outbound messages of 100 notifications each against the real CLI processes (`serve`
// + 1 `worker` on DATABASE_URL/REDIS_URL, a fresh database per run), with the Salesforce REST
// stand-in running in this process as the org. Measures, at the stand-in:
// - owners_per_s: OwnerIds set per second, first message sent -> last owner set;
// - api_calls_per_1000: REST calls (reads + writes) per 1,000 leads;
// - owner_set_p50/p99_ms: message sent -> that record's OwnerId set;
// - lost (acked, never set) and duplicated (set more than once).
// --latency-ms N delays every REST answer by N ms (a real org's round trip), --jitter-ms J by up to J more.
// --partial sends only some mapped fields per notification (as a typical outbound message
// selection), so the worker must read the records; by default every mapped field is carried.
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { startSalesforceStandin, type RecordedWrite } from '../test/support/salesforce-standin.js';
import {
  aLeadRecord,
  standinOrg,
  outboundMessage,
  SF_ACCESS_TOKEN,
  SF_ORG_ID,
  SF_OUTBOUND_TOKEN,
  sfId,
  someFields,
  standinSalesforceConfig,
  type Notification,
} from '../test/support/salesforce-outbound.js';
import { freePort, percentile, root, startCli, waitHealthy, freshDatabase } from './support.js';

const { values } = parseArgs({
  options: {
    'linger-ms': { type: 'string' },
    messages: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '4' },
    partial: { type: 'boolean', default: false },
    'latency-ms': { type: 'string', default: '0' },
    'jitter-ms': { type: 'string', default: '0' },
  },
});
const messages = Number(values.messages);
const concurrency = Number(values.concurrency);
const latencyMs = Number(values['latency-ms']);
const PER_MESSAGE = 100;
const WARMUP = 1;

async function main() {
  if (!process.env.DATABASE_URL || !process.env.REDIS_URL)
    throw new Error('set DATABASE_URL and REDIS_URL (`. .ci/services.sh`)');
  const total = (WARMUP + messages) * PER_MESSAGE;
  const records = Array.from({ length: total }, (_, i) => aLeadRecord(i, 'B'));
  const rest = await startSalesforceStandin({
    ...standinOrg(records),
    latency: { rttMs: latencyMs, jitterMs: Number(values['jitter-ms']) },
  });
  // The stand-in records writes in an array; stamping each push gives the owner-set time per record.
  const setAt = new Map<string, number>();
  const push = rest.writes.push.bind(rest.writes);
  rest.writes.push = (...ws: RecordedWrite[]) => {
    const now = performance.now();
    for (const w of ws) if (!setAt.has(w.id)) setAt.set(w.id, now);
    return push(...ws);
  };

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    PORT: String(port),
    INTAKE_API_KEYS: 'bench-key-0123456789',
    WORKER_PORT: '0',
    SWEEP_AFTER_MS: '30000',
    DATABASE_URL: (await freshDatabase(process.env.DATABASE_URL, 'salesforce')).url,
    REDIS_URL: process.env.REDIS_URL,
    QUEUE_PREFIX: `lr-bench-sf-${Date.now()}`,
    CONFIG_FILE: `${root}fixtures/config/salesforce-e2e.yaml`,
    SALESFORCE_CONFIG: standinSalesforceConfig(rest.url),
    // Salesforce collections take 200 records a call; jobs must be pulled in parallel to meet in one batch.
    WRITE_BATCH_MAX: '200',
    ROUTE_BATCH_MAX: '200',
    ...(values['linger-ms'] !== undefined && { WRITE_LINGER_MS: values['linger-ms'] }),
  };
  const migrate = startCli(['migrate'], env);
  if ((await migrate.exited) !== 0) throw new Error(`migrate failed:\n${migrate.output()}`);
  const procs = [startCli(['serve'], env), startCli(['worker'], { ...env, WORKER_CONCURRENCY: '200' })];
  try {
    await waitHealthy(`${base}/healthz`);
    const sentAt = new Map<string, number>();
    const send = async (m: number) => {
      const batch = records.slice(m * PER_MESSAGE, (m + 1) * PER_MESSAGE);
      const notes: Notification[] = batch.map((r, k) => ({
        id: sfId('04l', m * PER_MESSAGE + k, 'B'),
        fields: values.partial ? someFields(r) : r,
      }));
      const t0 = performance.now();
      for (const r of batch) sentAt.set(r.Id as string, t0);
      const res = await fetch(`${base}/webhooks/salesforce/${SF_OUTBOUND_TOKEN}`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
        body: outboundMessage(notes),
      });
      const text = await res.text();
      if (res.status !== 200 || !text.includes('<Ack>true</Ack>'))
        throw new Error(`message ${m} not acked: ${res.status} ${text}`);
    };
    const waitWritten = async (ids: string[], timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline && !ids.every((id) => setAt.has(id))) await new Promise((r) => setTimeout(r, 20));
    };

    // Warm-up (JIT, pools, the jsforce session), not counted.
    for (let m = 0; m < WARMUP; m++) await send(m);
    await waitWritten(
      records.slice(0, WARMUP * PER_MESSAGE).map((r) => r.Id as string),
      30_000,
    );
    const callsBefore = rest.requests.length;
    const writesBefore = rest.writes.length;

    const measured = records.slice(WARMUP * PER_MESSAGE).map((r) => r.Id as string);
    const start = performance.now();
    let next = WARMUP;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < WARMUP + messages) await send(next++);
      }),
    );
    await waitWritten(measured, 120_000);
    // Anything still in flight would show as a duplicate: give stragglers a moment before counting.
    await new Promise((r) => setTimeout(r, 1000));

    const calls = rest.requests.slice(callsBefore);
    const reads = calls.filter((c) => c.method === 'GET').length;
    const writes = calls.filter((c) => c.method === 'PATCH').length;
    const written = measured.filter((id) => setAt.has(id));
    const perRecord = new Map<string, number>();
    for (const w of rest.writes.slice(writesBefore)) perRecord.set(w.id, (perRecord.get(w.id) ?? 0) + 1);
    const lat = written.map((id) => setAt.get(id)! - sentAt.get(id)!).sort((a, b) => a - b);
    const last = Math.max(...written.map((id) => setAt.get(id)!));
    console.log(
      JSON.stringify({
        bench: 'salesforce-outbound',
        mode: 'postgres + redis (serve + 1 worker), REST stand-in in the bench process',
        messages,
        notifications_per_message: PER_MESSAGE,
        leads: measured.length,
        carried_fields: values.partial ? 'some (records read over REST)' : 'all mapped fields (no read)',
        write_batch_max: 200,
        rest_latency_ms: latencyMs,
        rest_jitter_ms: Number(values['jitter-ms']),
        owners_per_s: Math.round(written.length / ((last - start) / 1000)),
        api_calls_per_1000: Math.round(((reads + writes) / measured.length) * 1000 * 10) / 10,
        reads,
        writes,
        owner_set_p50_ms: percentile(lat, 50),
        owner_set_p99_ms: percentile(lat, 99),
        lost: measured.length - written.length,
        duplicated: [...perRecord.values()].reduce((n, c) => n + (c - 1), 0),
      }),
    );
  } finally {
    for (const p of procs) p.child.kill('SIGTERM');
    await Promise.all(procs.map((p) => p.exited));
    await rest.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
