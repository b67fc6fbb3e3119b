// The reference point for intake latency, as its own process: fastify, one pg INSERT
// (unique key, JSON payload), one BullMQ add, 202. No auth, validation, batching or metrics.
// Started by bench/intake-baseline.ts; reads DATABASE_URL, REDIS_URL, PORT.
import Fastify from 'fastify';
import pg from 'pg';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
await pool.query(
  'create table if not exists baseline_events (id bigserial primary key, source text not null, key text not null, payload jsonb not null, unique (source, key))',
);
const queue = new Queue('baseline', {
  connection: new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: 1 }),
  prefix: `lr-baseline-${process.pid}`,
});
const app = Fastify();
app.post('/v1/leads', async (req, reply) => {
  const b = req.body as { source: string; idempotencyKey: string; lead: unknown };
  const r = await pool.query<{ id: string }>(
    'insert into baseline_events (source, key, payload) values ($1, $2, $3) on conflict do nothing returning id',
    [b.source, b.idempotencyKey, b.lead],
  );
  const id = r.rows[0]?.id;
  if (id) void queue.add('route', { id }, { jobId: `e${id}`, removeOnComplete: true });
  return reply.code(202).send({ eventId: id });
});
app.get('/healthz', async () => ({ ok: true }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.on('SIGTERM', () => {
  void app
    .close()
    .then(() => Promise.all([queue.close(), pool.end()]))
    .then(() => process.exit(0));
});
