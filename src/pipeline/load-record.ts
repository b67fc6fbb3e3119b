import type { InboundEventRow } from '../db/index.js';
import { errors } from '../errors.js';
import type { SourceRecord } from '../mapping/index.js';
import type { CrmName } from '../lead/index.js';
import type { PipelineDeps } from './deps.js';

/** The record to map: the API lead's own fields, or the CRM record fetched with the mapped fields. */
export async function loadRecord(deps: PipelineDeps, ev: InboundEventRow, mappedFields: string[]): Promise<SourceRecord> {
  const ref = { crm: ev.crm as CrmName, objectType: ev.objectType, id: ev.recordId };
  const payload = ev.payload as { fields?: Record<string, unknown> };
  if (ev.crm === 'api') return { ref, fields: payload.fields ?? {} };
  const connector = deps.connectors[ref.crm];
  if (!connector) throw errors.connectorNotConfigured(ref.crm);
  const [record] = await connector.fetchRecords(ref.objectType, [ref.id], mappedFields);
  // A record deleted in the CRM between the event and now: nothing to route.
  if (!record) return { ref, fields: payload.fields ?? {} };
  return { ref, fields: record.fields };
}
