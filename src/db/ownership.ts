// The ownership ledger: our writes (outbox rows, with what the CRM answered and when the echo
// confirmed them), the owner changes CRMs reported, and the conflicts a person's change caused.
// The sync transaction locks the lead rows first (in id order), then reads and writes here.
import { and, desc, eq, gte, inArray, lte, or, sql, type SQL } from 'drizzle-orm';
import { jsonParam, rowsOf, type DbOrTx } from './client.js';
import { assignmentSummaryColumns } from './lead-queries.js';
import { assignments, conflicts, inboundEvents, leads, outbox, ownershipChanges } from './schema.js';
import { completedBy, confirmedStepsSql, rollUpSql, type ConfirmedStep } from './report-rollup.js';

export type LeadRowForSync = typeof leads.$inferSelect;
export type NewOwnershipChange = typeof ownershipChanges.$inferInsert;
export type OwnershipChangeRow = typeof ownershipChanges.$inferSelect;
export type NewConflict = typeof conflicts.$inferInsert;
export type ConflictRow = typeof conflicts.$inferSelect;

export interface RecordKey {
  crm: string;
  objectType: string;
  recordId: string;
}

export const recordKeyOf = (r: RecordKey) => `${r.crm}\u0000${r.objectType}\u0000${r.recordId}`;

/** The leads of these records, locked in id order (the routing transaction locks leads after the routing state, as here). */
export async function lockLeadsByRecord(tx: DbOrTx, refs: RecordKey[]): Promise<LeadRowForSync[]> {
  if (refs.length === 0) return [];
  // One condition per CRM object type, record ids as one array: the unique index answers it.
  const groups = new Map<string, { crm: string; objectType: string; ids: Set<string> }>();
  for (const r of refs) {
    const k = `${r.crm}\u0000${r.objectType}`;
    const g = groups.get(k) ?? { crm: r.crm, objectType: r.objectType, ids: new Set<string>() };
    g.ids.add(r.recordId);
    groups.set(k, g);
  }
  const where = or(
    ...[...groups.values()].map((g) =>
      and(eq(leads.crm, g.crm), eq(leads.objectType, g.objectType), inArray(leads.recordId, [...g.ids])),
    ),
  );
  return tx.select().from(leads).where(where).orderBy(leads.id).for('update');
}

export async function lockLead(tx: DbOrTx, id: string): Promise<LeadRowForSync | undefined> {
  const [row] = await tx.select().from(leads).where(eq(leads.id, id)).for('update');
  return row;
}

export interface LedgerWriteRow {
  id: string;
  leadId: string;
  ownerId: string;
  status: string;
  createdAt: Date;
  doneAt: Date | null;
  confirmedAt: Date | null;
}

/** Our writes for these leads, newest first (at most `perLead` each: older ones cannot match an echo window). */
export async function loadLedgerWrites(
  tx: DbOrTx,
  leadIds: string[],
  perLead = 20,
): Promise<Map<string, LedgerWriteRow[]>> {
  const out = new Map<string, LedgerWriteRow[]>();
  if (leadIds.length === 0) return out;
  const rows = await tx
    .select({
      id: outbox.id,
      leadId: outbox.leadId,
      ownerId: outbox.ownerId,
      status: outbox.status,
      createdAt: outbox.createdAt,
      doneAt: outbox.doneAt,
      confirmedAt: outbox.confirmedAt,
    })
    .from(outbox)
    .where(inArray(outbox.leadId, leadIds))
    .orderBy(desc(outbox.createdAt));
  for (const r of rows) {
    const list = out.get(r.leadId) ?? [];
    if (list.length < perLead) list.push(r);
    out.set(r.leadId, list);
  }
  return out;
}

export interface RoutedBy {
  assignmentId: string;
  ruleId: string | null;
  poolId: string | null;
  repId: string | null;
  crmOwnerId: string | null;
  configVersion: number;
  createdAt: Date;
}

/**
 * The latest routing decision that assigned each lead (reverts, the assignments with `revertReasonCode`,
 * excluded): its rule and pool pick the conflict policy.
 */
export async function latestRoutingAssignments(
  tx: DbOrTx,
  leadIds: string[],
  revertReasonCode: string,
): Promise<Map<string, RoutedBy>> {
  if (leadIds.length === 0) return new Map();
  const rows = await tx
    .selectDistinctOn([assignments.leadId], {
      leadId: assignments.leadId,
      assignmentId: assignments.id,
      ruleId: assignments.ruleId,
      poolId: assignments.poolId,
      repId: assignments.repId,
      crmOwnerId: assignments.crmOwnerId,
      configVersion: assignments.configVersion,
      createdAt: assignments.createdAt,
    })
    .from(assignments)
    .where(
      and(
        inArray(assignments.leadId, leadIds),
        eq(assignments.outcome, 'assigned'),
        sql`${assignments.reasonCode} <> ${revertReasonCode}`,
      ),
    )
    .orderBy(assignments.leadId, desc(assignments.createdAt));
  return new Map(rows.map(({ leadId, ...r }) => [leadId, r]));
}

/** router_wins reverts made per lead (conflict rows with outcome 'reverted'). */
export async function countReverts(tx: DbOrTx, leadIds: string[]): Promise<Map<string, number>> {
  if (leadIds.length === 0) return new Map();
  const rows = await tx
    .select({ leadId: conflicts.leadId, n: sql<number>`count(*)::int` })
    .from(conflicts)
    .where(and(inArray(conflicts.leadId, leadIds), eq(conflicts.outcome, 'reverted')))
    .groupBy(conflicts.leadId);
  return new Map(rows.map((r) => [r.leadId, Number(r.n)]));
}

/** A batch as one jsonb parameter: one statement, whatever the batch size (the sync hot path). */
export async function insertOwnershipChanges(tx: DbOrTx, rows: NewOwnershipChange[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.execute(sql`
    insert into ownership_changes (event_id, lead_id, crm, object_type, record_id, new_owner_id, previous_owner_id, changed_by, change_source, classification, matched_by, matched_write_id, occurred_at)
    select "eventId", "leadId", crm, "objectType", "recordId", "newOwnerId", "previousOwnerId", "changedBy", "changeSource", classification, "matchedBy", "matchedWriteId", "occurredAt"
    from jsonb_to_recordset(${jsonParam(rows)}) as x("eventId" uuid, "leadId" uuid, crm text, "objectType" text, "recordId" text, "newOwnerId" text, "previousOwnerId" text,
      "changedBy" text, "changeSource" text, classification text, "matchedBy" text, "matchedWriteId" uuid, "occurredAt" timestamptz)
    on conflict (event_id) do nothing`);
}

export async function insertConflicts(tx: DbOrTx, rows: NewConflict[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.insert(conflicts).values(rows).onConflictDoNothing({ target: conflicts.eventId });
}

/** Marks our writes confirmed by their echo (the first echo wins; a later one changes nothing). */
export async function confirmWrites(tx: DbOrTx, ids: string[], at: Date): Promise<ConfirmedStep[]> {
  if (ids.length === 0) return [];
  // The echo of a lead's first write is its speed-to-lead "confirmed" (lead_reports); answers the
  // leads whose written -> confirmed step this completed (the write recorded already).
  const steps = await tx.execute(sql`
    with c as (
      update outbox set confirmed_at = ${at.toISOString()}::timestamptz
      where id in (${sql.join(
        ids.map((id) => sql`${id}::uuid`),
        sql`, `,
      )}) and confirmed_at is null
      returning assignment_id
    ), reported as (
    update lead_reports r set confirmed_at = ${at.toISOString()}::timestamptz
    from c where r.assignment_id = c.assignment_id and r.confirmed_at is null
    returning r.*
    ), rolled as (${rollUpSql(sql`reported`, completedBy.echo)})
    ${confirmedStepsSql(sql`reported`)}`);
  return rowsOf<ConfirmedStep>(steps);
}

export interface LeadOwnershipPatch {
  id: string;
  /** Undefined = unchanged. */
  ownerRepId?: string | null;
  crmOwnerId?: string | null;
  ownerSince?: Date | null;
  lastOwnerChangeAt?: Date | null;
}

/** One UPDATE for the batch: each lead gets only the columns its patch names. */
export async function updateLeadOwnership(tx: DbOrTx, patches: LeadOwnershipPatch[], now: Date): Promise<void> {
  if (patches.length === 0) return;
  const has = (v: unknown) => (v === undefined ? sql`false` : sql`true`);
  const ts = (d: Date | null | undefined) => (d ? sql`${d.toISOString()}::timestamptz` : sql`null::timestamptz`);
  const values = sql.join(
    patches.map(
      (p) =>
        sql`(${p.id}::uuid, ${has(p.ownerRepId)}, ${p.ownerRepId ?? null}::text, ${has(p.crmOwnerId)}, ${p.crmOwnerId ?? null}::text, ${has(p.ownerSince)}, ${ts(p.ownerSince)}, ${has(p.lastOwnerChangeAt)}, ${ts(p.lastOwnerChangeAt)})`,
    ),
    sql`, `,
  );
  await tx.execute(sql`
    update leads l set
      owner_rep_id = case when v.set_rep then v.rep else l.owner_rep_id end,
      crm_owner_id = case when v.set_crm then v.crm_owner else l.crm_owner_id end,
      owner_since = case when v.set_since then v.since else l.owner_since end,
      last_owner_change_at = case when v.set_last then greatest(l.last_owner_change_at, v.last) else l.last_owner_change_at end,
      updated_at = ${now.toISOString()}::timestamptz
    from (values ${values}) as v(id, set_rep, rep, set_crm, crm_owner, set_since, since, set_last, last)
    where l.id = v.id`);
}

/** The latest claim of the lead (the SLA timers it ended keep their own time). */
export async function markLeadClaimed(tx: DbOrTx, id: string, at: Date, by: string): Promise<void> {
  await tx.update(leads).set({ claimedAt: at, claimedBy: by }).where(eq(leads.id, id));
}

/** What the CRM answered to each write, kept on the outbox row (the ledger's "what the CRM said"). */
// ---- reads behind GET /v1/conflicts and GET /v1/leads/:id/history (no locks) ----

export interface ConflictFilter {
  leadId?: string;
  crm?: string;
  recordId?: string;
  policy?: string;
  outcome?: string;
  changedBy?: string;
  since?: Date;
  until?: Date;
  /** Keyset: rows strictly older than this (createdAt, id). */
  before?: { createdAt: Date; id: string };
  limit: number;
}

/** Newest first, keyset-paged on (created_at, id). */
export async function listConflicts(db: DbOrTx, f: ConflictFilter): Promise<ConflictRow[]> {
  const where: SQL[] = [];
  if (f.leadId) where.push(eq(conflicts.leadId, f.leadId));
  if (f.crm) where.push(eq(conflicts.crm, f.crm));
  if (f.recordId) where.push(eq(conflicts.recordId, f.recordId));
  if (f.policy) where.push(eq(conflicts.policy, f.policy));
  if (f.outcome) where.push(eq(conflicts.outcome, f.outcome));
  if (f.changedBy) where.push(eq(conflicts.changedBy, f.changedBy));
  if (f.since) where.push(gte(conflicts.createdAt, f.since));
  if (f.until) where.push(lte(conflicts.createdAt, f.until));
  // Keyset on the time truncated to milliseconds: a JS Date (and so the cursor) has no microseconds.
  const atMs = sql`date_trunc('milliseconds', ${conflicts.createdAt})`;
  if (f.before) {
    const b = sql`${f.before.createdAt.toISOString()}::timestamptz`;
    where.push(sql`(${atMs} < ${b} or (${atMs} = ${b} and ${conflicts.id} < ${f.before.id}::uuid))`);
  }
  return db
    .select()
    .from(conflicts)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(atMs), desc(conflicts.id))
    .limit(f.limit);
}

export async function listLeadOwnershipChanges(db: DbOrTx, leadId: string): Promise<OwnershipChangeRow[]> {
  return db
    .select()
    .from(ownershipChanges)
    .where(eq(ownershipChanges.leadId, leadId))
    .orderBy(ownershipChanges.occurredAt);
}

export async function listLeadConflicts(db: DbOrTx, leadId: string): Promise<ConflictRow[]> {
  return db.select().from(conflicts).where(eq(conflicts.leadId, leadId)).orderBy(conflicts.createdAt);
}

export async function listLeadWrites(db: DbOrTx, leadId: string) {
  return db
    .select({
      id: outbox.id,
      assignmentId: outbox.assignmentId,
      ownerId: outbox.ownerId,
      status: outbox.status,
      attempts: outbox.attempts,
      lastError: outbox.lastError,
      crmResponse: outbox.crmResponse,
      createdAt: outbox.createdAt,
      doneAt: outbox.doneAt,
      confirmedAt: outbox.confirmedAt,
    })
    .from(outbox)
    .where(eq(outbox.leadId, leadId))
    .orderBy(outbox.createdAt);
}

/** Every assignment of the lead with the kind of event that triggered it (created, ownerChanged, slaBreach). */
export async function listLeadAssignmentsWithTrigger(db: DbOrTx, leadId: string) {
  return db
    .select({ ...assignmentSummaryColumns, eventKind: inboundEvents.kind })
    .from(assignments)
    .innerJoin(inboundEvents, eq(inboundEvents.id, assignments.eventId))
    .where(eq(assignments.leadId, leadId))
    .orderBy(assignments.createdAt, assignments.id);
}
