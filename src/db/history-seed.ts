// Years of history in a few statements, for bench:growth and the plan tests (test/integration/
// history-plans.test.ts): leads routed and written long ago, each with its event, assignment and
// done outbox row, shaped like real ones (a lead's personal fields, a decision with its trace),
// spread over the `spanDays` before `until`. generate_series in chunks, one transaction each, so
// 10,000,000 leads do not make one giant transaction; ANALYZE at the end, as autovacuum would.
import { sql } from 'drizzle-orm';
import { rowsOf, type DbOrTx } from './client.js';

export async function seedHistory(
  db: DbOrTx,
  opts: { leads: number; until: Date; spanDays: number; chunk?: number; onChunk?: (done: number) => void },
): Promise<void> {
  const chunk = opts.chunk ?? 100_000;
  const spanSeconds = opts.spanDays * 86_400;
  await db.execute(sql`
    insert into config_versions (version, document, author, message, diff)
    values (0, '{}', 'history', 'seeded history', '{}') on conflict do nothing`);
  for (let from = 1; from <= opts.leads; from += chunk) {
    const to = Math.min(opts.leads, from + chunk - 1);
    // n -> a time in the span, oldest first; ids derived from n so the four tables join up.
    const at = sql`(${opts.until}::timestamptz - ((${opts.leads}::bigint - n) * ${spanSeconds}::bigint / ${opts.leads}::bigint + 60) * interval '1 second')`;
    const series = sql`generate_series(${from}::bigint, ${to}::bigint) n`;
    await db.execute(sql`
      insert into inbound_events (id, source, source_event_id, kind, crm, object_type, record_id, payload, status, attempts, received_at, processed_at)
      select md5('he' || n)::uuid, 'api:history', 'h' || n, 'created', 'api', 'lead', 'h' || n,
             jsonb_build_object('source', 'history', 'idempotencyKey', 'h' || n, 'lead',
               jsonb_build_object('email', 'lead' || n || '@company' || (n % 5000) || '.example', 'firstName', 'First' || n,
                 'lastName', 'Last' || n, 'phone', '+49 30 ' || n, 'country', 'DE', 'score', n % 100)),
             'done', 1, ${at}, ${at} + interval '200 milliseconds'
      from ${series}`);
    await db.execute(sql`
      insert into leads (id, crm, object_type, record_id, data, owner_rep_id, crm_owner_id, owner_since, created_at, updated_at)
      select md5('hl' || n)::uuid, 'api', 'lead', 'h' || n,
             jsonb_build_object('source', jsonb_build_object('crm', 'api', 'objectType', 'lead', 'id', 'h' || n),
               'email', 'lead' || n || '@company' || (n % 5000) || '.example', 'firstName', 'First' || n, 'lastName', 'Last' || n,
               'phone', '+49 30 ' || n, 'emailDomain', 'company' || (n % 5000) || '.example', 'freeEmail', false,
               'country', 'DE', 'score', n % 100, 'custom', '{}'::jsonb),
             'rep' || (n % 50), 'crm' || (n % 50), ${at}, ${at}, ${at}
      from ${series}`);
    await db.execute(sql`
      insert into assignments (id, event_id, lead_id, outcome, rep_id, crm_owner_id, pool_id, rule_id, reason_code, decision, config_version, created_at)
      select md5('ha' || n)::uuid, md5('he' || n)::uuid, md5('hl' || n)::uuid, 'assigned', 'rep' || (n % 50), 'crm' || (n % 50),
             'inbound', 'everyone', 'ROUND_ROBIN_NEXT',
             jsonb_build_object('kind', 'assigned', 'ownerId', 'rep' || (n % 50), 'ruleId', 'everyone', 'poolId', 'inbound',
               'code', 'ROUND_ROBIN_NEXT', 'reasons', '[]'::jsonb,
               'trace', jsonb_build_object('rules', jsonb_build_array(jsonb_build_object('ruleId', 'everyone', 'matched', true,
                 'checks', jsonb_build_array(jsonb_build_object('field', 'country', 'op', 'eq', 'expected', 'DE', 'saw', 'DE', 'result', true)))))),
             0, ${at} + interval '100 milliseconds'
      from ${series}`);
    await db.execute(sql`
      insert into outbox (id, assignment_id, lead_id, crm, object_type, record_id, owner_id, status, attempts, created_at, done_at, crm_response)
      select md5('ho' || n)::uuid, md5('ha' || n)::uuid, md5('hl' || n)::uuid, 'api', 'lead', 'h' || n, 'crm' || (n % 50),
             'done', 1, ${at} + interval '100 milliseconds', ${at} + interval '200 milliseconds', '{"ok": true}'::jsonb
      from ${series}`);
    opts.onChunk?.(to);
  }
  await db.execute(sql`analyze inbound_events, leads, assignments, outbox`);
}

/** Bytes on disk per table, indexes and TOAST included (pg_total_relation_size). */
export async function tableSizes(db: DbOrTx, tables: string[]): Promise<Record<string, number>> {
  const rows = rowsOf<{ name: string; bytes: string }>(
    await db.execute(sql`
      select t as name, pg_total_relation_size(t::regclass) as bytes
      from unnest(${`{${tables.join(',')}}`}::text[]) t`),
  );
  return Object.fromEntries(rows.map((r) => [r.name, Number(r.bytes)]));
}
