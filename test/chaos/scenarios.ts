// The chaos scenarios (issue 12), each a known set of leads through 1 serve + 2 workers while
// one fault happens, then the figures. test/chaos/chaos.test.ts asserts them; bench/chaos.ts
// prints them. `checks` are what a scenario must show besides "every acked lead written once"
// (an exit code, the status intake answered while Postgres was down); `expected` is their value.
import type { ChaosCluster } from './cluster.js';
import { openScenario, type Figures, type Lead, type Scenario, type ScenarioOptions } from './harness.js';
import { pidOwningLocalPort } from './socket-owner.js';
import { until } from '../support/until.js';

export interface ScenarioResult {
  figures: Figures;
  checks: Record<string, unknown>;
  logs: string;
}

export interface ChaosScenario {
  name: string;
  /** One line: the fault, as a reader of the report would say it. */
  what: string;
  expected: Record<string, unknown>;
  run(cluster: ChaosCluster): Promise<ScenarioResult>;
}

/** A fault lasts this long on purpose: a timed stimulus, not a wait for a condition. */
const holdFault = (ms: number) => new Promise((r) => setTimeout(r, ms));

const hubspotError = (message: string, category = 'INTERNAL_ERROR') => ({
  status: 'error',
  message,
  correlationId: '00000000-0000-4000-8000-0000000c4a05',
  category,
});
const writes = /\/batch\/update$/;

/** Opens the scenario, runs `body`, settles, takes the figures, and always cleans up. */
async function withScenario(
  cluster: ChaosCluster,
  opts: ScenarioOptions,
  body: (s: Scenario) => Promise<Record<string, unknown> | void>,
): Promise<ScenarioResult> {
  const s = await openScenario(cluster, opts);
  try {
    const checks = (await body(s)) ?? {};
    await s.settle();
    return { figures: await s.figures(), checks, logs: s.logs() };
  } finally {
    await s.close();
  }
}

const halves = (leads: Lead[]) => [leads.slice(0, leads.length / 2), leads.slice(leads.length / 2)] as const;

/** Deterministic shuffle (mulberry32), so a failing order can be replayed. */
function shuffled<T>(items: T[], seed: number): T[] {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export const scenarios: ChaosScenario[] = [
  {
    name: 'kill-9-worker',
    what: 'kill -9 the worker that is waiting on a CRM owner write',
    expected: { killedWhileWriting: true },
    run: (cluster) =>
      withScenario(cluster, { name: 'kill-9-worker', leads: 40 }, async (s) => {
        // Writes hang at the proxy (never forwarded), so a worker is provably mid-batch.
        s.proxy.set({ kind: 'hang' }, { paths: writes });
        await s.send(s.leads, { spreadMs: 1000 });
        await until(() => s.proxy.holding() > 0, { timeoutMs: 20_000, what: 'a held owner write' });
        const pids = s.workers.map((w) => w.child.pid!);
        const victim = s.proxy
          .heldClientPorts()
          .map((p) => pidOwningLocalPort(p, pids))
          .find((p) => p !== undefined);
        const worker = s.workers.find((w) => w.child.pid === victim) ?? s.workers[0]!;
        const abandonedBefore = s.proxy.counts.abandoned;
        worker.child.kill('SIGKILL');
        await worker.exited;
        const killedWhileWriting =
          victim !== undefined &&
          (await until(() => s.proxy.counts.abandoned > abandonedBefore, { timeoutMs: 5_000 }).then(
            () => true,
            () => false,
          ));
        // The CRM comes back; requests still held by the survivor are cut, as a load balancer would.
        s.proxy.pass();
        s.proxy.releaseHung();
        s.faultEnded();
        return { killedWhileWriting };
      }),
  },
  {
    name: 'redis-restart',
    what: 'Redis stops (SHUTDOWN SAVE) for 3 s while leads arrive, then comes back with its data',
    expected: {},
    run: (cluster) =>
      withScenario(cluster, { name: 'redis-restart', leads: 40 }, async (s) => {
        const [before, during] = halves(s.leads);
        s.proxy.set({ kind: 'pass', delayMs: 200 }); // writes in flight when Redis goes
        await s.send(before, { spreadMs: 500 });
        await cluster.stopRedis();
        try {
          await s.send(during, { spreadMs: 1000 });
          await holdFault(2_000);
        } finally {
          await cluster.startRedis();
        }
        s.proxy.pass();
        s.faultEnded();
      }),
  },
  {
    name: 'redis-flush',
    what: 'FLUSHALL on Redis while owner writes wait for their retry (scheduled in Postgres, nudged by delayed jobs)',
    expected: { flushedWaitingWrites: true },
    run: (cluster) =>
      withScenario(cluster, { name: 'redis-flush', leads: 40 }, async (s) => {
        const [before, after] = halves(s.leads);
        // The CRM refuses writes for a moment, so the first leads' writes wait for a retry.
        s.proxy.set({ kind: 'status', status: 500, body: hubspotError('internal error') }, { paths: writes });
        await s.send(before, { spreadMs: 500 });
        // The retry schedule lives in Postgres; Redis holds only the nudges (delayed jobs), and which of
        // them exist at the instant of the flush depends on the circuit's timing, so the check counts rows.
        const waitingRetries = async () => {
          const [r] = await s.sql.rows<{ n: string }>(
            `select count(*) n from outbox where status = 'pending' and attempts > 0 and next_attempt_at is not null`,
          );
          return Number(r?.n ?? 0);
        };
        const flushedWaitingWrites = await until(async () => (await waitingRetries()) >= 10, {
          timeoutMs: 20_000,
        }).then(
          () => true,
          () => false,
        );
        await cluster.flushRedis();
        await holdFault(1_000); // what a worker held at the flush fails too, and its retry has nowhere to go
        s.proxy.pass();
        s.faultEnded();
        await s.send(after, { spreadMs: 500 });
        return { flushedWaitingWrites };
      }),
  },
  {
    name: 'postgres-restart',
    what: 'Postgres stops for 3 s while webhooks arrive; HubSpot redelivers what was not acked',
    expected: { statusesWhileDown: [503] },
    run: (cluster) =>
      withScenario(cluster, { name: 'postgres-restart', leads: 40 }, async (s) => {
        const [before, rest] = halves(s.leads);
        const [during, after] = halves(rest);
        await s.send(before, { spreadMs: 500 });
        const answered = s.answers.length;
        await cluster.stopPostgres();
        let whileDown: Array<number | 'error'> = [];
        try {
          await s.send(during, { spreadMs: 1000 });
          whileDown = s.answers.slice(answered).map((a) => a.status);
          await holdFault(1_500);
        } finally {
          await cluster.startPostgres();
        }
        s.faultEnded();
        // Recovers alone: no process is restarted.
        await s.redeliverUnacked();
        await s.send(after, { spreadMs: 500 });
        return { statusesWhileDown: [...new Set(whileDown)].sort() };
      }),
  },
  {
    name: 'crm-5xx-storm',
    what: '8 s of 500 (HubSpot body) and 503 (no body) on 80% of CRM calls',
    expected: {},
    run: (cluster) =>
      withScenario(cluster, { name: 'crm-5xx-storm', leads: 40 }, async (s) => {
        const sending = s.send(s.leads, { spreadMs: 6_000 });
        for (let i = 0; i < 4; i++) {
          s.proxy.set(
            i % 2 === 0
              ? { kind: 'status', status: 500, body: hubspotError('internal error') }
              : { kind: 'status', status: 503 },
            { ratio: 0.8 },
          );
          await holdFault(2_000);
        }
        s.proxy.pass();
        s.faultEnded();
        await sending;
      }),
  },
  {
    name: 'crm-down-past-attempts',
    what: 'HubSpot answers 500 to everything for 15 s, three times the old 8-attempt window (~5 s here, ~2 min in production)',
    expected: {},
    run: (cluster) =>
      withScenario(cluster, { name: 'crm-down-past-attempts', leads: 40 }, async (s) => {
        s.proxy.set({ kind: 'status', status: 500, body: hubspotError('internal error') });
        await s.send(s.leads, { spreadMs: 2_000 });
        await holdFault(13_000);
        s.proxy.pass();
        s.faultEnded();
      }),
  },
  {
    name: 'crm-hung-request',
    what: 'the first two CRM calls hang for good (requestTimeoutMs 500); the rest answer',
    expected: {},
    run: (cluster) =>
      withScenario(cluster, { name: 'crm-hung-request', leads: 40 }, async (s) => {
        s.proxy.set({ kind: 'hang' }, { times: 2 });
        await s.send(s.leads, { spreadMs: 2_000 });
        await until(() => s.proxy.counts.hung >= 2, { timeoutMs: 20_000, what: 'two hung CRM calls' });
        s.faultEnded();
      }),
  },
  {
    name: 'crm-429-storm',
    what: '8 s of 429 on 80% of CRM calls: first with Retry-After: 1, then without (TEN_SECONDLY_ROLLING, interval header only)',
    expected: {},
    run: (cluster) =>
      withScenario(cluster, { name: 'crm-429-storm', leads: 40 }, async (s) => {
        const limited = {
          status: 'error',
          message: 'You have reached your ten_secondly_rolling limit.',
          errorType: 'RATE_LIMIT',
          correlationId: '00000000-0000-4000-8000-000000000429',
          policyName: 'TEN_SECONDLY_ROLLING',
          groupName: 'publicapi:private_app-api-calls-ten-secondly:1:62515',
        };
        const sending = s.send(s.leads, { spreadMs: 6_000 });
        s.proxy.set({ kind: 'status', status: 429, body: limited, headers: { 'Retry-After': '1' } }, { ratio: 0.8 });
        await holdFault(4_000);
        s.proxy.set(
          {
            kind: 'status',
            status: 429,
            body: limited,
            headers: {
              'X-HubSpot-RateLimit-Interval-Milliseconds': '10000',
              'X-HubSpot-RateLimit-Max': '190',
              'X-HubSpot-RateLimit-Remaining': '0',
            },
          },
          { ratio: 0.8 },
        );
        await holdFault(4_000);
        s.proxy.pass();
        s.faultEnded();
        await sending;
      }),
  },
  {
    name: 'expired-token',
    what: 'every OAuth access token in use expires at once (401 EXPIRED_AUTHENTICATION); the connector must refresh',
    expected: { refreshedAfterExpiry: true },
    run: (cluster) =>
      withScenario(cluster, { name: 'expired-token', leads: 40, oauth: true }, async (s) => {
        const [before, after] = halves(s.leads);
        await s.send(before, { spreadMs: 500 });
        await until(() => before.every((l) => s.standIn.writes.some((w) => w.id === l.recordId)), {
          timeoutMs: 30_000,
          what: 'the first half written',
        });
        const refreshesBefore = s.standIn.requests.filter((r) => r.path === '/oauth/v1/token').length;
        s.proxy.expireTokens();
        s.faultEnded();
        await s.send(after, { spreadMs: 500 });
        await s.settle();
        return {
          refreshedAfterExpiry:
            s.standIn.requests.filter((r) => r.path === '/oauth/v1/token').length > refreshesBefore &&
            s.proxy.counts.expired > 0,
        };
      }),
  },
  {
    name: 'sigterm-under-load',
    what: 'SIGTERM a worker, then serve, while leads flow to a slow CRM (400 ms) and a client holds a half-sent body',
    expected: { workerExit: 0, serveExit: 0 },
    run: (cluster) =>
      withScenario(cluster, { name: 'sigterm-under-load', leads: 40 }, async (s) => {
        const [first, second] = halves(s.leads);
        s.proxy.set({ kind: 'pass', delayMs: 400 });
        const sending = s.send(first, { spreadMs: 2_000 });
        await until(() => s.standIn.writes.length > 0, { timeoutMs: 20_000, what: 'writes under way' });
        const [worker] = s.workers;
        worker!.child.kill('SIGTERM');
        const workerExit = await worker!.exited;
        await sending;
        // A client that sends headers and part of a body, then nothing (a slow or dead peer).
        const slow = await halfSentRequest(new URL(s.env.PUBLIC_BASE_URL!));
        const sendingMore = s.send(second, { spreadMs: 1_000 });
        s.serve.child.kill('SIGTERM');
        const serveExit = await s.serve.exited;
        slow.destroy();
        await sendingMore;
        s.faultEnded();
        // What serve refused while stopping, HubSpot delivers again to the next serve.
        s.serve = await s.startServe();
        s.proxy.pass();
        await s.redeliverUnacked();
        return { workerExit, serveExit };
      }),
  },
  {
    name: 'webhook-redelivered-10x',
    what: 'each creation event delivered 10 times, shuffled across mixed webhooks, 8 at once',
    expected: { events: 30, assignments: 30 },
    run: (cluster) =>
      withScenario(cluster, { name: 'webhook-redelivered-10x', leads: 30 }, async (s) => {
        const copies = shuffled(
          s.leads.flatMap((l) => Array.from({ length: 10 }, (_, attempt) => ({ lead: l, attempt }))),
          12,
        );
        const webhooks: Array<typeof copies> = [];
        for (let i = 0; i < copies.length;) {
          const size = 1 + ((i * 7) % 8);
          // One webhook never carries the same event twice (HubSpot batches distinct events).
          const batch: typeof copies = [];
          for (const c of copies.slice(i, i + size)) if (!batch.some((b) => b.lead === c.lead)) batch.push(c);
          webhooks.push(batch);
          i += size;
        }
        const rest = copies.filter((c) => !webhooks.some((w) => w.includes(c)));
        for (const c of rest) webhooks.push([c]);
        for (let i = 0; i < webhooks.length; i += 8) {
          await Promise.all(
            webhooks.slice(i, i + 8).map((w) =>
              s.deliver(
                w.map((c) => c.lead),
                { attemptNumber: w[0]!.attempt },
              ),
            ),
          );
        }
        s.faultEnded();
        await s.settle();
        const [n] = await s.sql.rows<{ events: string; assignments: string }>(
          `select (select count(*) from inbound_events) events, (select count(*) from assignments) assignments`,
        );
        return { events: Number(n!.events), assignments: Number(n!.assignments) };
      }),
  },
];

/** Sends request headers and half a body to serve, then goes quiet; returns the socket. */
async function halfSentRequest(url: URL) {
  const { connect } = await import('node:net');
  const socket = connect(Number(url.port), url.hostname);
  socket.on('error', () => {});
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(
    `POST /webhooks/hubspot HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[{"eventId":`,
  );
  return socket;
}
