// Route one stored event. Idempotent: the event row is locked and its status re-read inside the
// transaction that writes the lead, the assignment, the routing state and the outbox row, so a
// retry, a redelivery or a second worker finds it done and writes nothing.
import { applyMapping } from '../mapping/index.js';
import { decide, stateKeys, type Decision } from '../routing/index.js';
import {
  applyStateChange,
  getInboundEvent,
  insertAssignment,
  insertOutbox,
  loadRoutingStateForUpdate,
  lockInboundEvent,
  markInboundEventDone,
  upsertLead,
} from '../db/index.js';
import { errors } from '../errors.js';
import type { PipelineDeps } from './deps.js';
import { routeJob } from './jobs.js';
import { loadRecord } from './load-record.js';

export async function routeEvent(deps: PipelineDeps, payload: unknown): Promise<void> {
  const { eventId } = routeJob.parse(payload);
  const ev = await getInboundEvent(deps.db, eventId);
  if (!ev || ev.status !== 'received') return;

  if (ev.kind !== 'created') {
    // Ownership changes and updates are stored for the sync module; nothing to route.
    await markInboundEventDone(deps.db, eventId, deps.now());
    return;
  }

  const { version, doc } = await deps.configs.get();
  const mapping = doc.mappings[`${ev.crm}/${ev.objectType}`];
  if (!mapping) throw errors.mappingFailed([{ path: `mappings["${ev.crm}/${ev.objectType}"]`, message: 'no mapping for this object type' }]);
  const record = await loadRecord(deps, ev, mapping.fields.flatMap((f) => (f.from ? [f.from] : [])));
  const { lead, warnings } = applyMapping(record, mapping);

  const now = deps.now();
  const result = await deps.db.transaction(async (tx) => {
    const locked = await lockInboundEvent(tx, eventId);
    if (locked?.status !== 'received') return undefined;
    const state = await loadRoutingStateForUpdate(tx, stateKeys(doc.routing, now));
    const decision: Decision = decide(lead, doc.routing, state, now);
    const assigned = decision.kind === 'assigned';
    const leadId = await upsertLead(tx, lead, { repId: assigned ? decision.ownerId : null, crmOwnerId: assigned ? decision.crmOwnerId : null }, now);
    const assignmentId = await insertAssignment(tx, {
      eventId,
      leadId,
      outcome: decision.kind,
      repId: assigned ? decision.ownerId : null,
      crmOwnerId: assigned ? decision.crmOwnerId : null,
      poolId: decision.poolId ?? null,
      ruleId: decision.ruleId ?? null,
      reasonCode: assigned ? 'ASSIGNED' : decision.code,
      decision: { ...decision, mappingWarnings: warnings },
      configVersion: version,
    });
    await applyStateChange(tx, decision.stateChange, now);
    const outboxId = assigned
      ? await insertOutbox(tx, {
          assignmentId,
          leadId,
          crm: lead.source.crm,
          objectType: lead.source.objectType,
          recordId: lead.source.id,
          ownerId: decision.crmOwnerId,
        })
      : undefined;
    await markInboundEventDone(tx, eventId, now);
    return { decision, outboxId };
  });
  if (!result) return;

  const { decision, outboxId } = result;
  deps.metrics.leadsRouted.inc({ outcome: decision.kind, reason: decision.kind === 'assigned' ? 'ASSIGNED' : decision.code });
  deps.logger.info({ eventId, outcome: decision.kind, owner: decision.kind === 'assigned' ? decision.ownerId : undefined, configVersion: version }, 'lead routed');
  if (outboxId) {
    await deps.queue.enqueue('writeback', { v: 1, outboxId }, { jobId: outboxId }).catch((err: Error) => {
      deps.logger.warn({ outboxId, err: err.message }, 'write-back job not enqueued; the sweeper will pick the outbox row up');
    });
  }
}
