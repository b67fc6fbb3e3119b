// Retention and erasure (docs/operations.md): the SQL that removes personal data from what we keep
// while the decisions stay (rows are anonymized in place, never deleted, so counts and figures hold).
// - Retention purges finished events' raw payloads and anonymizes leads past an age, in bounded
//   batches taken oldest first from partial indexes that only hold rows still to do (so a batch
//   reads the retention window, not years of history) with skip locked (two workers never collide).
// - Erasure does the same at once for every row of one person, found by email, and records it.
import { sql, type SQL } from 'drizzle-orm';
import { anonymizeDecision, anonymizeLeadData } from '../lead/pii.js';
import { anyUuid, jsonParam, rowsOf, type Db, type DbOrTx } from './client.js';
import { erasePeopleByEmail } from './people-mirror.js';

/** Rows changed per table by one retention batch or one erasure. */
export interface ErasedRows {
  leads: number;
  inbound_events: number;
  assignments: number;
  outbox: number;
  /** Notifications about the leads (their rendered text names the person); pending ones are not sent. */
  notifications: number;
  /** Mirrored CRM contacts/leads with the email (erasure only): their email and owner are cleared. */
  crm_people?: number;
}

/** Empties the raw payload (and the last error, which may quote it) of finished events received before `cutoff`. */
export async function purgeEventPayloads(db: DbOrTx, cutoff: Date, limit: number, now: Date): Promise<number> {
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`
      with due as (
        select id from inbound_events
        where purged_at is null and status not in ('received', 'queued') and received_at < ${cutoff}
        order by received_at limit ${limit}
        for update skip locked
      )
      update inbound_events e set payload = '{}'::jsonb, last_error = null, purged_at = ${now}
      where e.id = any(array(select id from due))
      returning e.id`),
  );
  return rows.length;
}

/** Anonymizes up to `limit` leads created before `cutoff` (oldest first), with their decisions and writes. */
export async function anonymizeOldLeads(db: Db, cutoff: Date, limit: number, now: Date): Promise<ErasedRows> {
  return db.transaction(async (tx) => {
    const due = rowsOf<{ id: string }>(
      await tx.execute(sql`
        select id from leads where anonymized_at is null and created_at < ${cutoff}
        order by created_at limit ${limit} for update skip locked`),
    );
    return {
      ...(await anonymizeLeads(
        tx,
        due.map((r) => r.id),
        now,
      )),
      inbound_events: 0,
    };
  });
}

/**
 * Anonymizes these leads (locked by the caller), their assignments' decisions and their outbox
 * rows' CRM answers (a CRM's error message may quote a field value). Already anonymized leads are
 * done again: an update event may have brought data back since.
 */
async function anonymizeLeads(tx: DbOrTx, ids: string[], now: Date): Promise<Omit<ErasedRows, 'inbound_events'>> {
  if (ids.length === 0) return { leads: 0, assignments: 0, outbox: 0, notifications: 0 };
  const idList = anyUuid(ids);
  const leadsDone = await rewriteJson(
    tx,
    'leads',
    'data',
    sql`id = ${idList}`,
    anonymizeLeadData,
    sql`, anonymized_at = ${now}`,
  );
  const assignmentsDone = await rewriteJson(tx, 'assignments', 'decision', sql`lead_id = ${idList}`, anonymizeDecision);
  const writes = rowsOf<{ id: string }>(
    await tx.execute(sql`
      update outbox set last_error = null, crm_response = crm_response - 'message'
      where lead_id = ${idList} returning id`),
  );
  // A rendered notification quotes the lead (name, email, company): its text goes, and one not yet
  // sent is skipped rather than delivered as an empty message.
  const notes = rowsOf<{ id: string }>(
    await tx.execute(sql`
      update notifications set subject = '[erased]', body = '[erased]', payload = '{}'::jsonb, last_error = null,
        status = case when status = 'pending' then 'skipped' else status end
      where lead_id = ${idList} and body <> '[erased]' returning id`),
  );
  return { leads: leadsDone, assignments: assignmentsDone, outbox: writes.length, notifications: notes.length };
}

/** Reads a jsonb column of the rows `where` picks and writes back `change` of each, in one statement (table and column are ours, never input). */
async function rewriteJson(
  tx: DbOrTx,
  table: 'leads' | 'assignments',
  column: 'data' | 'decision',
  where: SQL,
  change: (value: unknown) => unknown,
  extra = sql``,
): Promise<number> {
  const found = rowsOf<{ id: string; value: unknown }>(
    await tx.execute(sql`select id, ${sql.identifier(column)} as value from ${sql.identifier(table)} where ${where}`),
  );
  if (found.length === 0) return 0;
  const rows = found.map((r) => ({ id: r.id, value: change(r.value) }));
  const done = rowsOf<{ id: string }>(
    await tx.execute(sql`
      update ${sql.identifier(table)} t set ${sql.identifier(column)} = v.value ${extra}
      from jsonb_to_recordset(${jsonParam(rows)}) as v(id uuid, value jsonb)
      where t.id = v.id and t.id = ${anyUuid(rows.map((r) => r.id))} returning t.id`),
  );
  return done.length;
}

/**
 * Erases one person's data everywhere we keep it, in one transaction, and records the erasure
 * (the email's hash, never the email). Found by email: their leads (leads_email_idx), those leads'
 * events (through their assignments, ownership changes and conflicts, or the same CRM record), and
 * any other event whose stored payload still holds the email (one never routed, a dead letter).
 * That last search reads the events whose payload retention has not purged yet. The people mirror's
 * contacts/leads with the email lose email and owner (a CRM sync brings them back only if the CRM
 * still has them: erase there too).
 */
export async function eraseByEmail(
  db: Db,
  input: { email: string; emailSha256: string; requestedBy: string; now: Date },
): Promise<{ id: string; rows: ErasedRows }> {
  return db.transaction(async (tx) => {
    const found = rowsOf<{ id: string }>(
      await tx.execute(sql`
        select id from leads where lower(data->>'email') = ${input.email} order by id for update`),
    );
    const ids = found.map((r) => r.id);
    const idList = anyUuid(ids);
    const events = rowsOf<{ id: string }>(
      await tx.execute(sql`
        update inbound_events e set payload = '{}'::jsonb, last_error = null, purged_at = coalesce(purged_at, ${input.now})
        where (purged_at is null or last_error is not null or payload <> '{}'::jsonb) and (
          e.id in (select event_id from assignments where lead_id = ${idList})
          or e.id in (select event_id from ownership_changes where lead_id = ${idList})
          or e.id in (select event_id from conflicts where lead_id = ${idList})
          or (e.crm, e.object_type, e.record_id) in (select crm, object_type, record_id from leads where id = ${idList})
          or (e.purged_at is null and strpos(lower(e.payload::text), ${input.email}) > 0)
        )
        returning e.id`),
    );
    const rest = await anonymizeLeads(tx, ids, input.now);
    // The people mirror's copies (existingOwner): tombstoned and stamped, so every process's index drops them.
    const people = await erasePeopleByEmail(tx, input.email, input.now);
    const rows: ErasedRows = { ...rest, inbound_events: events.length, crm_people: people };
    const [audit] = rowsOf<{ id: string }>(
      await tx.execute(sql`
        insert into erasures (email_sha256, requested_by, rows, at)
        values (${input.emailSha256}, ${input.requestedBy}, ${jsonParam(rows)}, ${input.now})
        returning id`),
    );
    return { id: audit!.id, rows };
  });
}

export interface ErasureRecord {
  id: string;
  emailSha256: string;
  requestedBy: string;
  rows: ErasedRows;
  at: Date;
}

/** The audit trail, newest first. */
export async function listErasures(db: DbOrTx, limit: number): Promise<ErasureRecord[]> {
  return rowsOf<ErasureRecord>(
    await db.execute(sql`
      select id, email_sha256 as "emailSha256", requested_by as "requestedBy", rows, at
      from erasures order by at desc, id desc limit ${limit}`),
  ).map((r) => ({ ...r, at: new Date(r.at) }));
}
