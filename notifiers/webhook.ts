// Signed outbound webhooks following the Standard Webhooks spec (standardwebhooks.com):
// webhook-id (the notification id, the same on every retry so receivers deduplicate),
// webhook-timestamp (seconds, of this try) and webhook-signature (v1,<base64 HMAC-SHA256 of
// "id.timestamp.body">, with the secret WEBHOOK_SIGNING_SECRET, `whsec_` + base64).
import { Webhook } from 'standardwebhooks';
import { errors } from '../src/errors.js';
import type { Delivery, Notifier, OutgoingNotification, SecretValue } from '../src/notify/index.js';

export interface WebhookConfig {
  secret: SecretValue;
  timeoutMs: number;
  now: () => Date;
}

export function createWebhookNotifier(cfg: WebhookConfig): Notifier {
  const signer = new Webhook(cfg.secret.reveal());
  return {
    async send(n: OutgoingNotification): Promise<Delivery> {
      const body = JSON.stringify({
        type: n.type,
        timestamp: n.createdAt.toISOString(),
        data: { notificationId: n.id, ...n.payload, subject: n.subject, text: n.body },
      });
      const at = cfg.now();
      let res: Response;
      try {
        res = await fetch(n.target, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'webhook-id': n.id,
            'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
            'webhook-signature': signer.sign(n.id, at, body),
          },
          body,
          signal: AbortSignal.timeout(cfg.timeoutMs),
        });
        await res.arrayBuffer(); // let the connection go back to the pool
      } catch (err) {
        throw errors.notifyTemporary(`webhook: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (res.ok) return { status: res.status };
      const retryAfter = Number(res.headers.get('retry-after'));
      // 429, 408 and 5xx may pass; any other 4xx is the receiver's refusal of this message.
      if (res.status === 429 || res.status === 408 || res.status >= 500)
        throw errors.notifyTemporary(`webhook: HTTP ${res.status}`, {
          ...(Number.isFinite(retryAfter) && retryAfter > 0 && { retryAfterMs: retryAfter * 1000 }),
        });
      throw errors.notifyRejected(`webhook: HTTP ${res.status}`);
    },
  };
}
