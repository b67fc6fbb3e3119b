// One chaos scenario's world, shared by test/chaos/*.test.ts and bench/chaos.ts: a fresh
// database on the chaos cluster, a queue prefix of its own, the HubSpot stand-in holding the
// scenario's contacts, the fault proxy in front of it, and the real compiled CLI processes
// (1 `serve` + 2 `worker`) with HUBSPOT_CONFIG pointing at the proxy. Migrations and the first
// config are applied in-process with the CLI's own code (runtime.ts), which is what `migrate`
// runs: one process start less per scenario, where starts are most of the time on two cores.
// Leads go in as signed contact.creation webhooks, as HubSpot sends them; "acked" is a 200.
// The figures come from the stand-in's recorded writes and from Postgres, never from the service's
// own account of itself. Hours are compressed through env and connector config (retry base/max,
// sweep and lock times), never through a fake clock in the pipeline.
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import {
  hubspotV3Signature,
  startHubSpotStandIn,
  type HubSpotStandIn,
  type RecordedWrite,
} from '../support/hubspot-standin.js';
import { childEnv, root, spawnCli, type CliProcess } from '../support/cli.js';
import pg from 'pg';
import { until } from '../support/until.js';
import type { ChaosCluster } from './cluster.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { createServer } from 'node:net';
import { parseEnv } from '../../src/config/index.js';
import { createLogger } from '../../src/logger.js';
import { ensureConfig, openDatabase } from '../../src/runtime.js';

export const clientSecret = 'chaos-client-secret-0001';
export const privateAppToken = 'pat-na1-chaos-0001';
export const oauthClient = {
  clientId: 'chaos-client-id',
  clientSecret: 'chaos-oauth-secret-0001',
  refreshToken: 'chaos-refresh-token-0001',
};
const apiKey = 'chaos-intake-key-0123456789';
const owners = ['101', '102', '103'];

/**
 * Compressed time for every scenario. The old give-up window, JOB_ATTEMPTS=8 with this backoff,
 * is 100+200+400+800+1000x3 ms of waits plus the calls: about 5 s, against ~2 min in production.
 * RETRY_HORIZON_MS / CIRCUIT_* are read by the durable retries (issue 12) and ignored before them.
 */
export const compressedEnv: Record<string, string> = {
  JOB_ATTEMPTS: '8',
  RETRY_BASE_MS: '100',
  RETRY_MAX_MS: '1000',
  RETRY_HORIZON_MS: '3600000',
  CIRCUIT_FAILURES: '5',
  CIRCUIT_OPEN_MS: '1000',
  JOB_LOCK_MS: '2000',
  SWEEP_INTERVAL_MS: '500',
  SWEEP_AFTER_MS: '3000',
  SHUTDOWN_TIMEOUT_MS: '10000',
};

/** The connector's own in-call retries, shortened alike; timeouts are the crm helper's options (issue 12). */
export const compressedHubSpot: Record<string, unknown> = {
  maxRetries: 1,
  retryBaseDelayMs: 100,
  maxRetryWaitMs: 5_000,
  connectTimeoutMs: 500,
  requestTimeoutMs: 500,
};

export interface ScenarioOptions {
  name: string;
  leads: number;
  /** OAuth install (refresh token) instead of a private-app token. */
  oauth?: boolean;
  env?: Record<string, string>;
  hubspot?: Record<string, unknown>;
}

export interface Lead {
  recordId: string;
  eventId: number;
}

export interface Figures {
  scenario: string;
  sent: number;
  acked: number;
  written_once: number;
  lost: number;
  duplicated: number;
  /** Seconds from the fault's end to the last owner write (0: all written before it ended; null: some never were). */
  recover_s: number | null;
  /** Webhook answers that were not 200, by status ("error" = no answer at all). */
  refused: Record<string, number>;
  outbox_not_done: number;
  events_not_done: number;
  proxy: FaultProxy['counts'];
  /** Wall time of the whole scenario, of starting its processes, and of the final settle. */
  seconds: number;
  startup_s: number;
  settle_s: number;
}

export interface Scenario {
  name: string;
  leads: Lead[];
  standIn: HubSpotStandIn;
  proxy: FaultProxy;
  serve: CliProcess;
  workers: CliProcess[];
  env: Record<string, string>;
  /** Leads whose webhook was answered 200. */
  acked: Set<string>;
  /** Every webhook answer, in order. */
  answers: Array<{ status: number | 'error'; at: number }>;
  /** Reads the scenario's tables; reconnects by itself after a Postgres restart. */
  sql: { rows<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]> };
  /** One signed webhook with these leads' creation events; resolves with the status. */
  deliver(leads: Lead[], opts?: { attemptNumber?: number }): Promise<number | 'error'>;
  /** All of `leads` in webhooks of `perWebhook`, spread over `spreadMs`, waiting for every answer. */
  send(leads: Lead[], opts?: { perWebhook?: number; spreadMs?: number }): Promise<void>;
  /** What HubSpot does with a webhook that was not acked: deliver it again, until it is (bounded). */
  redeliverUnacked(opts?: { timeoutMs?: number }): Promise<void>;
  /** BullMQ jobs of both queues in Redis right now (throws while Redis is down). */
  queueCounts(): Promise<{ wait: number; active: number; delayed: number }>;
  /** Marks the end of the fault: recover_s counts from here. */
  faultEnded(): void;
  /** Waits (bounded) until every acked lead is written and nothing is left in flight; never throws. */
  settle(opts?: { timeoutMs?: number }): Promise<void>;
  figures(): Promise<Figures>;
  startWorker(extraEnv?: Record<string, string>): Promise<CliProcess>;
  startServe(): Promise<CliProcess>;
  /** Output of every process this scenario ran (for a failure message). */
  logs(): string;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function assertBuilt(): void {
  if (!existsSync(`${root}dist/src/cli.js`))
    throw new Error('the chaos suite runs the compiled CLI: `npm run build` first');
}

export async function openScenario(cluster: ChaosCluster, opts: ScenarioOptions): Promise<Scenario> {
  assertBuilt();
  const started = Date.now();
  const base = 100_000 + Math.floor(Math.random() * 800_000) * 10; // distinct record ids per scenario, for reading logs
  const leads: Lead[] = Array.from({ length: opts.leads }, (_, i) => ({
    recordId: String(base + i),
    eventId: base + i,
  }));
  const standIn = await startHubSpotStandIn({
    records: {
      contacts: Object.fromEntries(
        leads.map((l) => [
          l.recordId,
          {
            email: `c${l.recordId}@acme.example`,
            firstname: 'Ada',
            lastname: 'Chaos',
            company: 'ACME',
            country: 'Germany',
            hubspot_owner_id: null,
          },
        ]),
      ),
    },
    owners: owners.map((id) => ({ id })),
  });
  const writtenAt = new Map<string, number>();
  let lastWriteAt = 0;
  const pushWrite = standIn.writes.push.bind(standIn.writes);
  standIn.writes.push = (...ws: RecordedWrite[]) => {
    lastWriteAt = Date.now();
    for (const w of ws) if (!writtenAt.has(w.id)) writtenAt.set(w.id, lastWriteAt);
    return pushWrite(...ws);
  };
  const proxy = await startFaultProxy(standIn.url);
  const db = await cluster.freshDatabase(opts.name);
  const port = await freePort();
  const publicBase = `http://127.0.0.1:${port}`;
  const auth = opts.oauth ? { kind: 'oauth', ...oauthClient } : { kind: 'private_app', token: privateAppToken };
  const env: Record<string, string> = {
    ...compressedEnv,
    DATABASE_URL: db.url,
    REDIS_URL: cluster.redisUrl,
    QUEUE_PREFIX: `chaos-${opts.name}-${randomBytes(3).toString('hex')}`,
    PORT: String(port),
    PUBLIC_BASE_URL: publicBase,
    INTAKE_API_KEYS: apiKey,
    CONFIG_FILE: 'fixtures/config/hubspot-e2e.yaml',
    HUBSPOT_CONFIG: JSON.stringify({ baseUrl: proxy.url, auth, clientSecret, ...compressedHubSpot, ...opts.hubspot }),
    LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'warn',
    ...opts.env,
    // CHAOS_ENV='{"SWEEP_AFTER_MS":"60000"}' changes every scenario's service env: to try a setting,
    // or to watch a scenario fail without the mechanism it relies on.
    ...(JSON.parse(process.env.CHAOS_ENV ?? '{}') as Record<string, string>),
  };
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  pool.on('error', () => {}); // an idle client cut by a Postgres restart; the next query reconnects
  const sql = { rows: async <T>(text: string, params?: unknown[]) => (await pool.query(text, params)).rows as T[] };
  const procs: CliProcess[] = [];
  const logs: string[] = [];
  const spawnService = (args: string[], extra: Record<string, string> = {}) => {
    const p = spawnCli(args, childEnv({ ...env, ...extra }), { compiled: true });
    procs.push(p);
    return p;
  };
  const startWorker = async (extra: Record<string, string> = {}) => {
    const workerPort = await freePort();
    const w = spawnService(['worker'], { WORKER_PORT: String(workerPort), ...extra });
    await waitHealthy(`http://127.0.0.1:${workerPort}/readyz`, w);
    return w;
  };
  const startServe = async () => {
    const s = spawnService(['serve']);
    await waitHealthy(`${publicBase}/readyz`, s);
    return s;
  };

  let serve: CliProcess;
  let workers: CliProcess[];
  try {
    await migrate(env);
    [serve, ...workers] = await Promise.all([startServe(), startWorker(), startWorker()]);
  } catch (err) {
    // Nothing of a scenario that did not start may outlive it.
    for (const p of procs) p.child.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exited));
    await pool.end().catch(() => undefined);
    await proxy.close();
    await standIn.close();
    await db.drop().catch(() => undefined);
    throw err;
  }
  const startupS = (Date.now() - started) / 1000;
  let settleS = 0;

  const acked = new Set<string>();
  /** Leads handed to deliver() at least once: "sent". */
  const sentIds = new Set<string>();
  const answers: Scenario['answers'] = [];
  const webhookUrl = `${publicBase}/webhooks/hubspot`;
  let faultEndAt: number | undefined;
  let lastSendAt = Date.now();

  const deliver: Scenario['deliver'] = async (batch, o = {}) => {
    const body = JSON.stringify(
      batch.map((l) => ({
        eventId: l.eventId,
        subscriptionId: 2281001,
        portalId: 62515,
        appId: 1160452,
        attemptNumber: o.attemptNumber ?? 0,
        occurredAt: Date.now(),
        subscriptionType: 'contact.creation',
        objectId: Number(l.recordId),
        changeFlag: 'NEW',
        changeSource: 'FORM',
      })),
    );
    for (const l of batch) sentIds.add(l.recordId);
    const timestamp = String(Date.now());
    lastSendAt = Date.now();
    const status = await fetch(webhookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hubspot-request-timestamp': timestamp,
        'x-hubspot-signature-v3': hubspotV3Signature(clientSecret, 'POST', webhookUrl, body, timestamp),
      },
      body,
      signal: AbortSignal.timeout(15_000),
    }).then(
      async (r) => {
        await r.arrayBuffer();
        return r.status;
      },
      () => 'error' as const,
    );
    answers.push({ status, at: Date.now() });
    if (status === 200) for (const l of batch) acked.add(l.recordId);
    return status;
  };

  const send: Scenario['send'] = async (list, o = {}) => {
    const per = o.perWebhook ?? 5;
    const batches = Array.from({ length: Math.ceil(list.length / per) }, (_, i) => list.slice(i * per, (i + 1) * per));
    const gapMs = batches.length > 1 ? (o.spreadMs ?? 1000) / (batches.length - 1) : 0;
    const inflight: Promise<unknown>[] = [];
    for (const [i, b] of batches.entries()) {
      if (i > 0 && gapMs > 0) await sleep(gapMs);
      inflight.push(deliver(b));
    }
    await Promise.all(inflight);
  };

  const redeliverUnacked: Scenario['redeliverUnacked'] = async (o = {}) => {
    let attempt = 1;
    await until(
      async () => {
        const missing = leads.filter((l) => !acked.has(l.recordId) && sentIds.has(l.recordId));
        if (missing.length === 0) return true;
        for (let i = 0; i < missing.length; i += 10)
          await deliver(missing.slice(i, i + 10), { attemptNumber: attempt });
        attempt += 1;
        return false;
      },
      { timeoutMs: o.timeoutMs ?? 30_000, intervalMs: 500, what: 'every sent lead acked after redelivery' },
    );
  };

  const redis = new Redis(cluster.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on('error', () => {});
  const queueCounts: Scenario['queueCounts'] = async () => {
    if (redis.status !== 'ready') await redis.connect().catch(() => undefined);
    const total = { wait: 0, active: 0, delayed: 0 };
    for (const q of ['route', 'writeback']) {
      const k = `${env.QUEUE_PREFIX}:${q}`;
      const [wait, active, delayed, prioritized] = await Promise.all([
        redis.llen(`${k}:wait`),
        redis.llen(`${k}:active`),
        redis.zcard(`${k}:delayed`),
        redis.zcard(`${k}:prioritized`),
      ]);
      total.wait += wait + prioritized;
      total.active += active;
      total.delayed += delayed;
    }
    return total;
  };
  const queueIdle = () =>
    queueCounts().then(
      (c) => c.wait + c.active + c.delayed === 0,
      () => false,
    );
  const notDone = async () => {
    try {
      const [r] = await sql.rows<{ outbox: string; events: string }>(
        `select (select count(*) from outbox where status <> 'done') outbox, (select count(*) from inbound_events where status <> 'done') events`,
      );
      return { outbox: Number(r!.outbox), events: Number(r!.events) };
    } catch {
      return { outbox: -1, events: -1 };
    }
  };

  const scenario: Scenario = {
    name: opts.name,
    leads,
    standIn,
    proxy,
    serve,
    workers,
    env,
    acked,
    answers,
    sql,
    deliver,
    send,
    redeliverUnacked,
    queueCounts,
    faultEnded: () => void (faultEndAt = Date.now()),
    async settle(o = {}) {
      const t = Date.now();
      await until(
        async () => {
          if ([...acked].some((id) => !writtenAt.has(id))) return false;
          const left = await notDone();
          return left.outbox === 0 && left.events === 0 && proxy.holding() === 0 && (await queueIdle());
        },
        { timeoutMs: o.timeoutMs ?? 30_000, intervalMs: 200 },
      ).catch(() => undefined);
      settleS = (Date.now() - t) / 1000;
    },
    async figures() {
      const perRecord = new Map<string, number>();
      for (const w of standIn.writes)
        if (w.properties.hubspot_owner_id) perRecord.set(w.id, (perRecord.get(w.id) ?? 0) + 1);
      const refused: Record<string, number> = {};
      for (const a of answers) if (a.status !== 200) refused[a.status] = (refused[a.status] ?? 0) + 1;
      const left = await notDone();
      const from = faultEndAt ?? lastSendAt;
      const lost = [...acked].filter((id) => !perRecord.has(id)).length;
      return {
        scenario: opts.name,
        sent: sentIds.size,
        acked: acked.size,
        written_once: [...acked].filter((id) => perRecord.get(id) === 1).length,
        lost,
        duplicated: [...perRecord.values()].filter((n) => n > 1).length,
        recover_s: lost > 0 ? null : Math.round(Math.max(0, lastWriteAt - from) / 100) / 10,
        refused,
        outbox_not_done: left.outbox,
        events_not_done: left.events,
        proxy: { ...proxy.counts, statuses: { ...proxy.counts.statuses } },
        seconds: Math.round((Date.now() - started) / 100) / 10,
        startup_s: Math.round(startupS * 10) / 10,
        settle_s: Math.round(settleS * 10) / 10,
      };
    },
    startWorker,
    startServe,
    logs: () =>
      procs
        .map(
          (p, i) =>
            `--- process ${i} (${p.child.spawnargs.slice(2).join(' ')}), exit ${p.child.exitCode ?? p.child.signalCode ?? 'running'}\n${p.output().slice(-4000)}`,
        )
        .join('\n'),
    async close() {
      // CHAOS_LOG_DIR keeps every process's whole output, for reading a failure afterwards.
      const dir = process.env.CHAOS_LOG_DIR;
      if (dir)
        for (const [i, p] of procs.entries())
          writeFileSync(`${dir}/${opts.name}-${i}-${p.child.spawnargs.at(-1)}.log`, p.output());
      for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      await Promise.all(procs.map((p) => p.exited));
      redis.disconnect();
      await pool.end().catch(() => undefined);
      await proxy.close();
      await standIn.close();
      await db.drop().catch(() => undefined);
    },
  };
  return scenario;
}

/** What `lead-router migrate` does: the migrations, then CONFIG_FILE as version 1. */
async function migrate(vars: Record<string, string>): Promise<void> {
  const env = parseEnv(vars);
  const handle = await openDatabase(env);
  try {
    await handle.migrate();
    await ensureConfig(handle, env, createLogger({ level: 'silent' }));
  } finally {
    await handle.close();
  }
}

async function waitHealthy(url: string, proc: CliProcess, timeoutMs = 60_000): Promise<void> {
  await until(
    async () => {
      if (proc.child.exitCode !== null)
        throw new Error(`${proc.child.spawnargs.slice(2).join(' ')} exited ${proc.child.exitCode}:\n${proc.output()}`);
      return fetch(url).then(
        (r) => r.ok,
        () => false,
      );
    },
    { timeoutMs, intervalMs: 100, what: url },
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
