import { sql } from 'drizzle-orm';
import type { DbOrTx } from './client.js';

/** Per lead: ms from intake (event stored) to owner written (outbox done), for benches and ops. */
export async function intakeToWritebackMs(db: DbOrTx): Promise<{ acked: number; done: number; latenciesMs: number[] }> {
  const rows = await db.execute<{ ms: number | null }>(sql`
    select extract(epoch from (o.done_at - e.received_at)) * 1000 as ms
    from inbound_events e
    left join assignments a on a.event_id = e.id
    left join outbox o on o.assignment_id = a.id and o.status = 'done'`);
  const list = ((rows as unknown as { rows?: { ms: number | null }[] }).rows ?? (rows as unknown as { ms: number | null }[])).map((r) => r.ms);
  const latenciesMs = list.filter((m): m is number => m !== null).map(Number);
  return { acked: list.length, done: latenciesMs.length, latenciesMs };
}
