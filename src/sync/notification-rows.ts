// Planned notifications as the rows the store takes (src/notify plans them, src/db stores them):
// the routing batch's rows (joined to their event) and insertNotifications' for the other events.
import type { NotificationInsert } from '../db/index.js';
import type { PlannedNotification } from '../notify/index.js';

export function toNotificationInsert(p: PlannedNotification): NotificationInsert {
  return {
    event: p.event,
    channel: p.channel,
    target: p.target,
    repId: p.repId,
    dedupeKey: p.dedupeKey,
    subject: p.subject,
    body: p.body,
    payload: p.payload,
    nextAttemptAt: p.notBefore,
  };
}
