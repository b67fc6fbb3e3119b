// Slack through the official SDK (@slack/web-api). A rep's DM is found by their email
// (users.lookupByEmail, then conversations.open); a pool or ops channel is posted to by id.
// Idempotent: every message carries the notification id in its metadata, and before posting we
// read the conversation's recent history for it, so a try after a crash between Slack's answer
// and our record (the only window) finds the message and records its ts instead of posting again.
// The SDK's own retries are off: the row's durable schedule retries (docs/notifications.md).
import { ErrorCode, WebClient, type WebAPIPlatformError, type WebAPIRateLimitedError } from '@slack/web-api';
import { errors } from '../src/errors.js';
import type { Delivery, Notifier, OutgoingNotification, SecretValue } from '../src/notify/index.js';

export interface SlackConfig {
  token: SecretValue;
  /** The Web API's base URL (https://slack.com/api/), or a stand-in's. */
  apiUrl: string;
  timeoutMs: number;
}

/** The metadata event type our messages carry. */
export const slackEventType = 'lead_router_notification';

/** Slack errors that another try can fix; every other platform error is a refusal. */
const temporary = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

export function createSlackNotifier(cfg: SlackConfig): Notifier {
  const client = new WebClient(cfg.token.reveal(), {
    slackApiUrl: cfg.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: cfg.timeoutMs,
  });
  const dms = new Map<string, string>();

  async function channelOf(target: string): Promise<string> {
    if (target.startsWith('channel:')) return target.slice('channel:'.length);
    const email = target.slice('email:'.length);
    const known = dms.get(email);
    if (known) return known;
    const user = await client.users.lookupByEmail({ email });
    const open = await client.conversations.open({ users: user.user!.id! });
    const id = open.channel!.id!;
    dms.set(email, id);
    return id;
  }

  return {
    async send(n: OutgoingNotification): Promise<Delivery> {
      try {
        const channel = await channelOf(n.target);
        const history = await client.conversations.history({
          channel,
          oldest: String(Math.floor(n.createdAt.getTime() / 1000) - 60),
          limit: 200,
          include_all_metadata: true,
        });
        const sent = history.messages?.find(
          (m) => (m.metadata?.event_payload as { notification_id?: unknown } | undefined)?.notification_id === n.id,
        );
        if (sent) return { channel, ts: sent.ts, found: true };
        const posted = await client.chat.postMessage({
          channel,
          text: n.body,
          unfurl_links: false,
          metadata: { event_type: slackEventType, event_payload: { notification_id: n.id, type: n.type } },
        });
        return { channel, ts: posted.ts };
      } catch (err) {
        throw classifySlackError(err);
      }
    },
  };
}

/** An SDK error as NOTIFY_TEMPORARY (retry) or NOTIFY_REJECTED (dead letter). */
export function classifySlackError(err: unknown): Error {
  const code = (err as { code?: unknown }).code;
  if (code === ErrorCode.PlatformError) {
    const slackError = String((err as WebAPIPlatformError).data.error);
    return temporary.has(slackError)
      ? errors.notifyTemporary(`slack: ${slackError}`)
      : errors.notifyRejected(`slack: ${slackError}`);
  }
  if (code === ErrorCode.RateLimitedError)
    return errors.notifyTemporary('slack: rate limited', {
      retryAfterMs: (err as WebAPIRateLimitedError).retryAfter * 1000,
    });
  if (code === ErrorCode.HTTPError) {
    const status = (err as { statusCode: number }).statusCode;
    return status === 429 || status >= 500 || status === 408
      ? errors.notifyTemporary(`slack: HTTP ${status}`)
      : errors.notifyRejected(`slack: HTTP ${status}`);
  }
  // A request that never got an answer (refused, reset, timeout): try again.
  return errors.notifyTemporary(`slack: ${err instanceof Error ? err.message : String(err)}`);
}
