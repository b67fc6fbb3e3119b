// Planned notifications as the rows insertNotifications takes (src/notify plans them, src/db
// stores them), for the events outside the routing batch (whose plan maps its own rows).
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
