import type { InboundEventRow } from '../db/index.js';
import { errors } from '../errors.js';
import type { CrmName } from '../lead/index.js';
import type { SourceRecord } from '../mapping/index.js';
import type { PipelineDeps } from './deps.js';

/**
 * The record to map per event: an API lead's own fields, or the CRM record read with exactly
 * the mapped fields, one batch read per CRM object type. A failed read fails only its events.
 * An event that already carries every mapped field (a Salesforce outbound message selecting
 * them) is mapped as carried: Salesforce sends the record's latest values, so a read moments
 * later would cost an API call for the same data.
 */
export async function loadRecords(
  deps: PipelineDeps,
  events: InboundEventRow[],
  fieldsFor: (mappingKey: string) => string[],
): Promise<Map<string, SourceRecord | Error>> {
  const out = new Map<string, SourceRecord | Error>();
  const groups = new Map<string, InboundEventRow[]>();
  for (const ev of events) {
    const ref = { crm: ev.crm as CrmName, objectType: ev.objectType, id: ev.recordId };
    const carried = (ev.payload as { fields?: Record<string, unknown> }).fields;
    if (ev.crm === 'api') out.set(ev.id, { ref, fields: carried ?? {} });
    else if (carried && fieldsFor(`${ev.crm}/${ev.objectType}`).every((f) => f in carried))
      out.set(ev.id, { ref, fields: carried });
    else groups.set(`${ev.crm}/${ev.objectType}`, [...(groups.get(`${ev.crm}/${ev.objectType}`) ?? []), ev]);
  }
  await Promise.all(
    [...groups].map(async ([key, evs]) => {
      const { crm, objectType } = evs[0]!;
      const connector = deps.connectors[crm as CrmName];
      try {
        if (!connector) throw errors.connectorNotConfigured(crm);
        const ids = [...new Set(evs.map((e) => e.recordId))];
        const records = await connector.fetchRecords(objectType, ids, fieldsFor(key));
        const byId = new Map(records.map((r) => [r.ref.id, r]));
        for (const ev of evs) {
          const rec = byId.get(ev.recordId);
          const carried = (ev.payload as { fields?: Record<string, unknown> }).fields;
          // Deleted in the CRM since the event: route on what the event carried, if anything.
          if (rec) out.set(ev.id, { ref: rec.ref, fields: rec.fields });
          else if (carried)
            out.set(ev.id, { ref: { crm: crm as CrmName, objectType, id: ev.recordId }, fields: carried });
          else out.set(ev.id, errors.crmRecordGone(crm, objectType, ev.recordId));
        }
      } catch (err) {
        for (const ev of evs) out.set(ev.id, err as Error);
      }
    }),
  );
  return out;
}
