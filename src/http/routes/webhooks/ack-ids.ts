import { leadUrlOf } from '../post-lead.js';

/**
 * Our ids on a webhook ack: `x-event-ids` lists every item's event id in batch order (what GET
 * /v1/leads/:id takes); `location` names the lead URL when the batch held exactly one item. A CRM
 * ignores both; they are for whoever reads the CRM's delivery log.
 */
export function ackIdHeaders(ids: Array<{ eventId: string }>): Record<string, string> {
  const headers: Record<string, string> = {};
  if (ids.length > 0) headers['x-event-ids'] = ids.map((e) => e.eventId).join(',');
  if (ids.length === 1) headers.location = leadUrlOf(ids[0]!.eventId);
  return headers;
}
