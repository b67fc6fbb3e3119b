import { sql } from 'drizzle-orm';
import { rowsOf, type DbOrTx } from './client.js';

/** Per lead: ms from intake (event stored) to owner written (outbox done), for benches and ops. */
export async function intakeToWritebackMs(
  db: DbOrTx,
  source?: string,
): Promise<{ acked: number; done: number; latenciesMs: number[] }> {
  const rows = await db.execute<{ ms: number | null }>(sql`
    select extract(epoch from (o.done_at - e.received_at)) * 1000 as ms
    from inbound_events e
    left join assignments a on a.event_id = e.id
    left join outbox o on o.assignment_id = a.id and o.status = 'done'
    ${source ? sql`where e.source = ${source}` : sql``}`);
  const list = rowsOf<{ ms: number | null }>(rows).map((r) => r.ms);
  const latenciesMs = list.filter((m): m is number => m !== null).map(Number);
  return { acked: list.length, done: latenciesMs.length, latenciesMs };
}

/** Leads decided (an assignment row per routed event), counted: what bench:scale polls. */
export async function routedCount(db: DbOrTx): Promise<number> {
  const [row] = rowsOf<{ n: string | number }>(await db.execute(sql`select count(*) as n from assignments`));
  return Number(row!.n);
}

/**
 * Nothing left to route or to write: no event waiting (received, retrying, queued) and no pending
 * owner write. One probe per partial index, each with the index's own predicate, so polling it while
 * a bench drains costs the database next to nothing (counting both tables every 250 ms was ~5% of
 * bench:intake's Postgres CPU).
 */
export async function pipelineSettled(db: DbOrTx): Promise<boolean> {
  const [row] = rowsOf<{ settled: boolean }>(
    await db.execute(sql`select not exists (select 1 from inbound_events where status = 'received' and next_attempt_at is null)
      and not exists (select 1 from inbound_events where status = 'received' and next_attempt_at is not null)
      and not exists (select 1 from inbound_events where status = 'queued')
      and not exists (select 1 from outbox where status = 'pending' and next_attempt_at is null)
      and not exists (select 1 from outbox where status = 'pending' and next_attempt_at is not null) as settled`),
  );
  return row!.settled;
}

/** This database's server processes (backends) by the application_name their connection gave (bench:intake's CPU per process). */
export async function backendApps(db: DbOrTx): Promise<Map<number, string>> {
  const rows = rowsOf<{ pid: number; app: string }>(
    await db.execute(sql`select pid, application_name as app from pg_stat_activity where datname = current_database()`),
  );
  return new Map(rows.map((r) => [Number(r.pid), r.app]));
}

/** Transactions committed in this database so far (pg_stat_database; the server updates it within about a second). */
export async function transactionsCommitted(db: DbOrTx): Promise<number> {
  const [row] = rowsOf<{ n: string | number }>(
    await db.execute(sql`select xact_commit as n from pg_stat_database where datname = current_database()`),
  );
  return Number(row!.n);
}

/** Events stored and owner writes done, counted (cheap enough to poll while a bench drains). */
export async function intakeProgress(db: DbOrTx, source?: string): Promise<{ acked: number; done: number }> {
  // With a source (bench:growth, beside millions of seeded rows): only its events, through the source's unique index.
  const [row] = rowsOf<{ acked: string | number; done: string | number }>(
    await db.execute(
      source
        ? sql`select count(*) as acked, count(o.id) as done from inbound_events e
              left join assignments a on a.event_id = e.id left join outbox o on o.assignment_id = a.id and o.status = 'done'
              where e.source = ${source}`
        : sql`select (select count(*) from inbound_events) as acked, (select count(*) from outbox where status = 'done') as done`,
    ),
  );
  return { acked: Number(row!.acked), done: Number(row!.done) };
}

/**
 * Seconds the oldest unrouted event, waiting lead and unwritten owner change have waited, on the
 * database's clock (no skew with ours). Each is a min() over partial indexes, one per index predicate
 * (inbound_events_received_idx, _due_idx, _queued_idx; outbox_pending_idx, _due_idx), cheap enough for
 * every /readyz probe.
 */
export async function backlogAge(db: DbOrTx): Promise<{
  unroutedEventSeconds: number | null;
  waitingLeadSeconds: number | null;
  pendingWriteSeconds: number | null;
}> {
  const [row] = rowsOf<{
    unrouted: string | number | null;
    waiting: string | number | null;
    writes: string | number | null;
  }>(
    await db.execute(sql`
      select extract(epoch from now() - least(
          (select min(received_at) from inbound_events where status = 'received' and next_attempt_at is null),
          (select min(received_at) from inbound_events where status = 'received' and next_attempt_at is not null))) as unrouted,
        extract(epoch from now() - (select min(received_at) from inbound_events where status = 'queued')) as waiting,
        extract(epoch from now() - least(
          (select min(created_at) from outbox where status = 'pending' and next_attempt_at is null),
          (select min(created_at) from outbox where status = 'pending' and next_attempt_at is not null))) as writes`),
  );
  const secs = (v: string | number | null | undefined) =>
    v === null || v === undefined ? null : Math.max(0, Math.round(Number(v) * 1000) / 1000);
  return {
    unroutedEventSeconds: secs(row?.unrouted),
    waitingLeadSeconds: secs(row?.waiting),
    pendingWriteSeconds: secs(row?.writes),
  };
}
