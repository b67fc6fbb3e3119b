// Every log line about a lead carries the ids that find it (docs/operations.md "Follow one lead"):
// its lead id once routing stored one, the inbound event id that triggered the work, and the
// x-request-id of the HTTP request that brought the event (stored on the event row, so routing and
// the owner write, in another process, still name it). The HTTP lines use the same `requestId` key.
import type { Logger } from '../logger.js';

export interface LeadIds {
  leadId?: string | null;
  /** Null for work no event started (a notification about a dead letter). */
  eventId: string | null;
  requestId?: string | null;
}

/** A child logger whose every line carries the lead's ids (absent ones left out, never `null`). */
export function leadLogger(logger: Logger, ids: LeadIds): Logger {
  return logger.child(leadIdFields(ids));
}

/** The ids as log fields, for a line that is built anyway (a batch's one line per record). */
export function leadIdFields(ids: LeadIds): Record<string, string> {
  return {
    ...(ids.leadId && { leadId: ids.leadId }),
    ...(ids.eventId && { eventId: ids.eventId }),
    ...(ids.requestId && { requestId: ids.requestId }),
  };
}
