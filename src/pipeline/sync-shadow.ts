// Owner changes of leads decided in shadow mode (docs/shadow-mode.md). We wrote nothing, so every
// owner the CRM sets on such a record is the CRM's own process (assignment rules, a workflow, a
// person): it is recorded beside our decision (lead_reports.crm_set_*, the first one) and in the
// ledger as classification 'shadow', and the lead's known owner follows the CRM. Never a conflict,
// never a revert, no counter moves: our counters stay those of the decisions we would have made.
// The events are taken out of the batch here; the rest go through the ownership sync as usual.
import {
  findShadowRecords,
  insertOwnershipChanges,
  lockLeadsByRecord,
  lockRoutableInboundEvents,
  markInboundEventsDone,
  recordCrmSetOwners,
  recordKeyOf,
  updateLeadOwnership,
  type CrmSetOwner,
  type InboundEventRow,
  type LeadOwnershipPatch,
  type NewOwnershipChange,
} from '../db/index.js';
import type { CrmName } from '../lead/index.js';
import { resolveOwner } from '../sync/index.js';
import type { PipelineDeps } from './deps.js';

interface OwnerPayload {
  newOwnerId?: string | null;
  changedBy?: string;
  changeSource?: string;
  occurredAt?: string;
}

const occurredAt = (ev: InboundEventRow) => {
  const at = (ev.payload as OwnerPayload).occurredAt;
  return at && !Number.isNaN(Date.parse(at)) ? new Date(at) : ev.receivedAt;
};

/** Records the owner changes of shadow-mode leads; answers the events left for the ownership sync. */
export async function recordShadowOwnerChanges(
  deps: PipelineDeps,
  events: InboundEventRow[],
): Promise<InboundEventRow[]> {
  if (events.length === 0) return events;
  const shadow = new Set(
    (
      await findShadowRecords(
        deps.db,
        events.map((e) => ({ crm: e.crm, objectType: e.objectType, recordId: e.recordId })),
      )
    ).map(recordKeyOf),
  );
  const mine = events.filter((e) => shadow.has(recordKeyOf(e)));
  if (mine.length === 0) return events;
  const { doc } = await deps.configs.get();
  const now = deps.now();
  const recorded = await deps.db.transaction(async (tx) => {
    const open = await lockRoutableInboundEvents(
      tx,
      mine.map((e) => e.id),
    );
    const todo = mine.filter((e) => open.has(e.id)).sort((a, b) => occurredAt(a).getTime() - occurredAt(b).getTime());
    if (todo.length === 0) return [];
    const leads = new Map((await lockLeadsByRecord(tx, todo)).map((l) => [recordKeyOf(l), { ...l }]));
    const changes: NewOwnershipChange[] = [];
    const set: CrmSetOwner[] = [];
    const patches = new Map<string, LeadOwnershipPatch>();
    for (const ev of todo) {
      const lead = leads.get(recordKeyOf(ev))!;
      const p = ev.payload as OwnerPayload;
      const ownerId = p.newOwnerId ?? null;
      const at = occurredAt(ev);
      const repId = resolveOwner(doc.routing, ev.crm as CrmName, ownerId).repId;
      changes.push({
        eventId: ev.id,
        leadId: lead.id,
        crm: ev.crm,
        objectType: ev.objectType,
        recordId: ev.recordId,
        newOwnerId: ownerId,
        previousOwnerId: lead.crmOwnerId,
        changedBy: p.changedBy ?? null,
        changeSource: p.changeSource ?? null,
        classification: 'shadow',
        matchedBy: null,
        matchedWriteId: null,
        occurredAt: at,
      });
      if (ownerId)
        set.push({ leadId: lead.id, ownerId, repId, by: p.changedBy ?? null, source: p.changeSource ?? null, at });
      // The lead's owner is the CRM's; an older event arriving late does not undo a newer one.
      if (!lead.lastOwnerChangeAt || at.getTime() >= lead.lastOwnerChangeAt.getTime()) {
        Object.assign(lead, { crmOwnerId: ownerId, ownerRepId: repId, ownerSince: at, lastOwnerChangeAt: at });
        patches.set(lead.id, {
          id: lead.id,
          crmOwnerId: ownerId,
          ownerRepId: repId,
          ownerSince: at,
          lastOwnerChangeAt: at,
        });
      }
    }
    await insertOwnershipChanges(tx, changes);
    await recordCrmSetOwners(tx, set);
    await updateLeadOwnership(tx, [...patches.values()], now);
    await markInboundEventsDone(
      tx,
      todo.map((e) => e.id),
      now,
    );
    return todo;
  });
  for (const ev of recorded) deps.metrics.ownershipChanges.inc({ crm: ev.crm, classification: 'shadow' });
  const taken = new Set(mine.map((e) => e.id));
  return events.filter((e) => !taken.has(e.id));
}
