// What GET /v1/conflicts and GET /v1/leads/:id/history answer: the conflict log, and one lead's
// ownership timeline assembled from the ledger (assignments, our writes and their echoes, the CRM's
// owner changes, conflicts, SLA timers, claims). Read-only, no locks.
import {
  findLead,
  listConflicts,
  listLeadAssignmentsWithTrigger,
  listLeadConflicts,
  listLeadOwnershipChanges,
  listLeadSlaTimers,
  listLeadWrites,
  type ConflictFilter,
  type ConflictRow,
} from '../db/index.js';
import { revertReasonCode } from '../sync/index.js';
import { errors } from '../errors.js';
import type { PipelineDeps } from './deps.js';

export interface ConflictView {
  id: string;
  leadId: string;
  record: { crm: string; objectType: string; recordId: string };
  /** The owner routing chose (ours) and the one the person set (theirs). */
  routerOwner: { crmOwnerId: string | null; repId: string | null };
  crmOwner: { crmOwnerId: string | null; repId: string | null };
  previousOwnerId: string | null;
  changedBy: string | null;
  changeSource: string | null;
  policy: string;
  policyFrom: string;
  outcome: string;
  attempt: number | null;
  revertWriteId: string | null;
  reason: string;
  occurredAt: string;
  createdAt: string;
}

export interface ConflictPage {
  items: ConflictView[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

function toView(c: ConflictRow): ConflictView {
  return {
    id: c.id,
    leadId: c.leadId,
    record: { crm: c.crm, objectType: c.objectType, recordId: c.recordId },
    routerOwner: { crmOwnerId: c.routerOwnerId, repId: c.routerRepId },
    crmOwner: { crmOwnerId: c.crmOwnerId, repId: c.crmRepId },
    previousOwnerId: c.previousOwnerId,
    changedBy: c.changedBy,
    changeSource: c.changeSource,
    policy: c.policy,
    policyFrom: c.policyFrom,
    outcome: c.outcome,
    attempt: c.attempt,
    revertWriteId: c.revertWriteId,
    reason: c.reason,
    occurredAt: c.occurredAt.toISOString(),
    createdAt: c.createdAt.toISOString(),
  };
}

// The cursor is opaque to clients: the last row's (created_at to the millisecond, id), base64url;
// the query pages on the same millisecond-truncated time, so no row is skipped or repeated.
export function encodeCursor(c: { createdAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify([c.createdAt.toISOString(), c.id])).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const createdAt = new Date(at);
    if (Number.isNaN(createdAt.getTime()) || typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id))
      throw new Error('bad cursor');
    return { createdAt, id };
  } catch {
    throw errors.validation([{ path: 'query.cursor', message: 'is not a cursor this API returned' }]);
  }
}

export async function listConflictsView(
  deps: PipelineDeps,
  filter: Omit<ConflictFilter, 'before'> & { cursor?: string },
): Promise<ConflictPage> {
  const { cursor, ...f } = filter;
  const rows = await listConflicts(deps.db, {
    ...f,
    ...(cursor ? { before: decodeCursor(cursor) } : {}),
    limit: f.limit + 1,
  });
  const items = rows.slice(0, f.limit);
  const last = items[items.length - 1];
  return { items: items.map(toView), nextCursor: rows.length > f.limit && last ? encodeCursor(last) : null };
}

/** One step of a lead's ownership timeline. `type` names it; the other fields depend on it. */
export interface HistoryEntry {
  at: string;
  type:
    | 'routed'
    | 'sla_reassigned'
    | 'sla_escalated'
    | 'write_pending'
    | 'written'
    | 'write_failed'
    | 'confirmed'
    | 'changed_in_crm'
    | 'echo'
    | 'stale_ignored'
    | 'unchanged'
    | 'adopted'
    | 'adopted_after_window'
    | 'reverted'
    | 'gave_up_adopted'
    | 'sla_started'
    | 'sla_breached'
    | 'sla_claimed'
    | 'sla_cancelled'
    | 'claimed';
  [detail: string]: unknown;
}

export interface LeadHistory {
  leadId: string;
  record: { crm: string; objectType: string; recordId: string };
  owner: { repId: string | null; crmOwnerId: string | null };
  entries: HistoryEntry[];
}

export async function getLeadHistory(deps: PipelineDeps, leadId: string): Promise<LeadHistory> {
  const lead = await findLead(deps.db, leadId);
  if (!lead) throw errors.notFound(`lead ${leadId}`);
  const [assignments, writes, changes, conflicts, timers] = await Promise.all([
    listLeadAssignmentsWithTrigger(deps.db, leadId),
    listLeadWrites(deps.db, leadId),
    listLeadOwnershipChanges(deps.db, leadId),
    listLeadConflicts(deps.db, leadId),
    listLeadSlaTimers(deps.db, leadId),
  ]);
  const entries: Array<HistoryEntry & { order: number }> = [];
  const add = (at: Date, order: number, entry: Omit<HistoryEntry, 'at'>) =>
    entries.push({ at: at.toISOString(), order, ...entry } as HistoryEntry & { order: number });

  for (const a of assignments) {
    if (a.reasonCode === revertReasonCode) continue; // shown as its conflict ('reverted') and its write
    const base = {
      assignmentId: a.id,
      outcome: a.outcome,
      repId: a.repId,
      crmOwnerId: a.crmOwnerId,
      poolId: a.poolId,
      ruleId: a.ruleId,
      reasonCode: a.reasonCode,
      configVersion: a.configVersion,
    };
    if (a.eventKind === 'slaBreach')
      add(a.createdAt, 1, { type: a.reasonCode === 'SLA_ESCALATED' ? 'sla_escalated' : 'sla_reassigned', ...base });
    else add(a.createdAt, 1, { type: 'routed', trigger: a.eventKind, source: a.eventSource, ...base });
  }
  for (const w of writes) {
    const base = { writeId: w.id, ownerId: w.ownerId, attempts: w.attempts };
    if (w.status === 'done') add(w.doneAt ?? w.createdAt, 3, { type: 'written', ...base, crmResponse: w.crmResponse });
    else if (w.status === 'failed')
      add(w.doneAt ?? w.createdAt, 3, {
        type: 'write_failed',
        ...base,
        error: w.lastError,
        crmResponse: w.crmResponse,
      });
    else add(w.createdAt, 3, { type: 'write_pending', ...base, lastError: w.lastError });
    if (w.confirmedAt) add(w.confirmedAt, 4, { type: 'confirmed', writeId: w.id, ownerId: w.ownerId });
  }
  const typeOf: Record<string, HistoryEntry['type']> = {
    manual: 'changed_in_crm',
    echo: 'echo',
    stale: 'stale_ignored',
    noop: 'unchanged',
  };
  for (const c of changes) {
    // An echo that confirmed a write is the 'confirmed' entry above.
    if (c.classification === 'echo' && c.matchedWriteId) continue;
    add(c.recordedAt, 5, {
      type: typeOf[c.classification] ?? 'changed_in_crm',
      eventId: c.eventId,
      occurredAt: c.occurredAt.toISOString(),
      newOwnerId: c.newOwnerId,
      previousOwnerId: c.previousOwnerId,
      changedBy: c.changedBy,
      changeSource: c.changeSource,
    });
  }
  for (const c of conflicts) {
    add(c.createdAt, 6, {
      type: c.outcome as HistoryEntry['type'],
      conflictId: c.id,
      policy: c.policy,
      policyFrom: c.policyFrom,
      crmOwnerId: c.crmOwnerId,
      routerOwnerId: c.routerOwnerId,
      attempt: c.attempt,
      revertWriteId: c.revertWriteId,
      reason: c.reason,
    });
  }
  for (const t of timers) {
    add(t.createdAt, 2, {
      type: 'sla_started',
      timerId: t.id,
      repId: t.repId,
      poolId: t.poolId,
      dueAt: t.dueAt.toISOString(),
      reassignmentsBefore: t.reassignments,
    });
    if (t.status === 'pending' || !t.closedAt) continue;
    const type = t.status === 'breached' ? 'sla_breached' : t.status === 'claimed' ? 'sla_claimed' : 'sla_cancelled';
    add(t.closedAt, 0, {
      type,
      timerId: t.id,
      repId: t.repId,
      reason: t.closedReason,
      action: t.breachAction,
      nextRepId: t.nextRepId,
    });
  }
  if (lead.claimedAt) add(lead.claimedAt, 0, { type: 'claimed', by: lead.claimedBy });

  entries.sort((a, b) => a.at.localeCompare(b.at) || a.order - b.order);
  return {
    leadId: lead.id,
    record: { crm: lead.crm, objectType: lead.objectType, recordId: lead.recordId },
    owner: { repId: lead.ownerRepId, crmOwnerId: lead.crmOwnerId },
    entries: entries.map(({ order: _order, ...e }) => e),
  };
}
