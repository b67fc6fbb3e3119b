// Delivering notifications (docs/notifications.md). The contract:
// - rows are written in their event's transaction (routing, an SLA breach), so nothing is sent
//   for an event that did not commit, and routing or the owner write never wait on a channel:
//   after the commit a job is only enqueued on the 'notify' queue (delayed until the row is due);
// - a send claims its row with a lease first (a second job finds it not due and sends nothing);
// - a failed try is scheduled on the row like an owner write (backoff, Retry-After, horizon) and
//   a refusal or a spent horizon is a dead letter of kind 'notify', which replay puts back;
// - the row id is the idempotency key on the wire: a try after a crash mid-send checks Slack for
//   the message first, and re-sends a webhook under the same webhook-id and an email under the
//   same Message-ID, so a receiver that deduplicates on them sees one.
import {
  claimNotification,
  getSlaTimer,
  markNotificationSent,
  markNotificationSkipped,
  type NotificationRow,
} from '../db/index.js';
import { errors } from '../errors.js';
import { webhookType, type NotificationEvent } from '../notify/index.js';
import type { PipelineDeps } from './deps.js';
import { durabilityOf, settleFailures } from './durability.js';
import { failureOf } from './retry-schedule.js';

/** The env a channel's credentials come from, for the NOTIFY_NOT_CONFIGURED message. */
const credentialEnv: Record<string, string> = {
  slack: 'SLACK_BOT_TOKEN',
  email: 'SMTP_URL',
  webhook: 'WEBHOOK_SIGNING_SECRET',
};

export type NotifyResult = 'sent' | 'skipped' | 'not_due' | 'failed';

/** Sends one notification if it is pending and due. Safe to call any number of times, from any process. */
export async function deliverNotification(deps: PipelineDeps, id: string): Promise<NotifyResult> {
  const now = deps.now();
  const d = durabilityOf(deps);
  const row = await claimNotification(deps.db, id, now, new Date(now.getTime() + (d.notifyLeaseMs ?? d.leaseMs)));
  if (!row) return 'not_due';
  const log = deps.logger.child({
    notificationId: row.id,
    ...(row.leadId && { leadId: row.leadId }),
    event: row.event,
    channel: row.channel,
  });
  // A warning is only worth sending while its SLA still runs: a claim or a new owner ended it.
  if (row.event === 'slaWarning' && row.slaTimerId) {
    const timer = await getSlaTimer(deps.db, row.slaTimerId);
    if (timer?.status !== 'pending') {
      await markNotificationSkipped(deps.db, row.id, `SLA timer ${timer?.status ?? 'gone'}`, deps.now());
      log.info({ timerStatus: timer?.status }, 'notification skipped: its SLA timer ended');
      return 'skipped';
    }
  }
  try {
    const notifier = deps.notifiers?.[row.channel as 'slack' | 'email' | 'webhook'];
    if (!notifier) throw errors.notifyNotConfigured(row.channel, credentialEnv[row.channel] ?? row.channel);
    const delivery = await withinMs(notifier.send(outgoing(row)), d.notifyTimeoutMs ?? 10_000, row.channel);
    await markNotificationSent(deps.db, row.id, delivery, deps.now());
    deps.metrics.notifications.inc({ channel: row.channel, event: row.event, outcome: 'sent' });
    log.info({ attempts: row.attempts + 1 }, 'notification sent');
    return 'sent';
  } catch (err) {
    const failure = failureOf(err);
    deps.metrics.notifications.inc({ channel: row.channel, event: row.event, outcome: 'failed' });
    log.warn({ code: failure.code, err: failure.message }, 'notification not sent; its row keeps its schedule');
    await settleFailures(deps, 'notify', [{ id: row.id, failure }]);
    return 'failed';
  }
}

/** A send that outlives its bound fails as temporary, before its lease runs out and another worker may try. */
async function withinMs<T>(p: Promise<T>, ms: number, channel: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(errors.notifyTemporary(`${channel}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

function outgoing(row: NotificationRow) {
  return {
    id: row.id,
    type: webhookType[row.event as NotificationEvent] ?? row.event,
    target: row.target,
    subject: row.subject,
    body: row.body,
    // The ids a receiving system joins on, known once the row was stored.
    payload: {
      ...(row.payload as Record<string, unknown>),
      ...(row.leadId && { leadId: row.leadId }),
      ...(row.assignmentId && { assignmentId: row.assignmentId }),
    },
    createdAt: row.createdAt,
  };
}
