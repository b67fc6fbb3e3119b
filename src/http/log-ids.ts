import type { FastifyRequest } from 'fastify';

/**
 * The rest of this request's log lines (its one access line included) carry the events it stored:
 * `eventId` for one, `eventIds` for a CRM batch. With the request id every line already has, a
 * grep for either finds the request (docs/operations.md "Follow one lead").
 */
export function logEventIds(req: FastifyRequest, eventIds: string[]): void {
  if (eventIds.length === 0) return;
  req.log = req.log.child(eventIds.length === 1 ? { eventId: eventIds[0] } : { eventIds });
}
