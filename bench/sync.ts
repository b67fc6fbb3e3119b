// npm run bench:sync [-- --events N] [--batch ROUTE_BATCH_MAX] [--concurrency WORKER_CONCURRENCY]
// Ownership-change events per second, classified and applied with real Postgres and Redis: an
// in-process runtime (BullMQ workers, group-commit batches) routes N HubSpot contacts first, then
// gets N ownerChanged events (half our own echoes by app id, half a person's reassignment, which
// crm_wins adopts with its counter moves and a conflict row), and we time until all are applied.
// Prints one JSON object.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { parseEnv } from '../src/config/index.js';
import type { CrmConnector, InboundEvent } from '../src/connector.js';
import { createLogger } from '../src/logger.js';
import { ingestCrmEvents } from '../src/pipeline/index.js';
import { openDatabase, openRuntime } from '../src/runtime.js';
import { freshDatabase } from './support.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '10000' },
    batch: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '1000' },
  },
});
const n = Number(values.events);
const appId = '777';
const reps = Array.from({ length: 10 }, (_, i) => ({ id: `rep${i}`, crmIds: { hubspot: String(100 + i) } }));

const acceptAll: CrmConnector = {
  name: 'hubspot',
  verifyRequest() {},
  parseEvents: () => [],
  fetchRecords: async () => [],
  writeOwners: async (w) => w.map((x) => ({ writeId: x.writeId, ok: true as const })),
  listOwners: async () => [],
  describeFields: async () => [],
};

async function feed(deps: Parameters<typeof ingestCrmEvents>[0], events: InboundEvent[]) {
  for (let i = 0; i < events.length; i += 500) await ingestCrmEvents(deps, 'hubspot', events.slice(i, i + 500));
}

async function waitFor(db: pg.Client, query: string, want: number, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [r] = (await db.query(query)).rows as Array<{ n: string }>;
    if (Number(r!.n) >= want) return;
    if (Date.now() > deadline) throw new Error(`timed out: ${query} = ${r!.n}, want ${want}`);
    await new Promise((res) => setTimeout(res, 20));
  }
}

async function main() {
  if (!process.env.DATABASE_URL || !process.env.REDIS_URL)
    throw new Error('set DATABASE_URL and REDIS_URL (`. .ci/services.sh`)');
  const database = await freshDatabase(process.env.DATABASE_URL, 'sync');
  const dir = mkdtempSync(join(tmpdir(), 'lr-bench-sync-'));
  const configFile = join(dir, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      mappings: {
        'hubspot/contact': {
          fields: [
            { from: 'email', to: 'email' },
            { from: 'country', to: 'country' },
          ],
        },
      },
      routing: {
        reps,
        pools: [{ id: 'all', strategy: 'round_robin', members: reps.map((r) => r.id) }],
        rules: [{ id: 'all', when: { match: 'always' }, action: { pool: 'all' } }],
      },
    }),
  );
  const env = parseEnv({
    DATABASE_URL: database.url,
    REDIS_URL: process.env.REDIS_URL,
    QUEUE_PREFIX: `lr-bench-sync-${Date.now()}`,
    CONFIG_FILE: configFile,
    HUBSPOT_CONFIG: JSON.stringify({
      auth: { kind: 'private_app', token: 'pat-bench' },
      clientSecret: 'bench-secret',
      appId,
    }),
    LOG_LEVEL: 'silent',
    ROUTE_BATCH_MAX: values.batch!,
    WRITE_BATCH_MAX: '100',
    WORKER_CONCURRENCY: values.concurrency!,
    SWEEP_AFTER_MS: '60000',
  });
  const handle = await openDatabase(env);
  await handle.migrate();
  await handle.close();
  const rt = await openRuntime(env, { logger: createLogger({ level: 'silent' }), connectors: { hubspot: acceptAll } });
  void rt.startWorking();
  const sql = new pg.Client({ connectionString: database.url });
  await sql.connect();
  try {
    const at = Date.now();
    const created: InboundEvent[] = Array.from({ length: n }, (_, i) => ({
      kind: 'created',
      sourceEventId: `c${i}`,
      record: { crm: 'hubspot', objectType: 'contact', id: String(1_000_000 + i) },
      occurredAt: new Date(at).toISOString(),
      fields: { email: `lead${i}@acme.example`, country: 'US' },
    }));
    const routeStart = performance.now();
    await feed(rt.deps, created);
    await waitFor(sql, `select count(*) n from outbox where status = 'done'`, n);
    const routeMs = performance.now() - routeStart;

    const owners = new Map(
      (
        (await sql.query(`select record_id, crm_owner_id from leads`)).rows as Array<{
          record_id: string;
          crm_owner_id: string;
        }>
      ).map((r) => [r.record_id, r.crm_owner_id]),
    );
    const changes: InboundEvent[] = created.map((c, i) => {
      const ours = owners.get(c.record.id)!;
      const echo = i % 2 === 0;
      const other = String(100 + ((Number(ours) - 100 + 1) % reps.length));
      return {
        kind: 'ownerChanged',
        sourceEventId: `o${i}`,
        record: c.record,
        occurredAt: new Date(at + 5_000).toISOString(),
        newOwnerId: echo ? ours : other,
        ...(echo
          ? { changedBy: appId, sourceId: appId, changeSource: 'INTEGRATION' }
          : { changedBy: `user:${i}`, sourceId: `userId:${i}`, changeSource: 'CRM_UI' }),
      };
    });
    const start = performance.now();
    await feed(rt.deps, changes);
    await waitFor(sql, `select count(*) n from inbound_events where kind = 'ownerChanged' and status = 'done'`, n);
    const ms = performance.now() - start;

    const [counts] = (
      await sql.query(`select (select count(*) from ownership_changes where classification = 'echo') echo,
                              (select count(*) from ownership_changes where classification = 'manual') manual,
                              (select count(*) from conflicts) conflicts,
                              (select count(*) from outbox where confirmed_at is not null) confirmed`)
    ).rows as Array<Record<string, string>>;
    console.log(
      JSON.stringify({
        bench: 'sync',
        events: n,
        events_per_s: Math.round((n / ms) * 1000),
        elapsed_ms: Math.round(ms),
        echo: Number(counts!.echo),
        manual: Number(counts!.manual),
        conflicts: Number(counts!.conflicts),
        writes_confirmed: Number(counts!.confirmed),
        route_leads_per_s: Math.round((n / routeMs) * 1000),
        route_batch_max: env.ROUTE_BATCH_MAX,
        worker_concurrency: env.WORKER_CONCURRENCY,
      }),
    );
  } finally {
    await sql.end();
    await rt.close();
    const { Redis } = await import('ioredis');
    const redis = new Redis(process.env.REDIS_URL!);
    const keys = await redis.keys(`${env.QUEUE_PREFIX}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await database.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
