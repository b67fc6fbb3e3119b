// The notification channels (outbound HTTP and SMTP): Slack, email, signed webhooks. Like
// connectors/, they import core types only; the composition root builds them from env.
import { createEmailNotifier, type EmailConfig } from './email.js';
import { createSlackNotifier, type SlackConfig } from './slack.js';
import type { Notifiers } from '../src/notify/index.js';
import { createWebhookNotifier, type WebhookConfig } from './webhook.js';

export { slackEventType } from './slack.js';
export { messageIdOf } from './email.js';

export interface NotifiersConfig {
  slack?: SlackConfig | undefined;
  email?: EmailConfig | undefined;
  webhook?: WebhookConfig | undefined;
}

/** One notifier per configured channel; a channel without credentials has none (its rows dead-letter NOTIFY_NOT_CONFIGURED). */
export function createNotifiers(cfg: NotifiersConfig): Notifiers {
  return {
    ...(cfg.slack && { slack: createSlackNotifier(cfg.slack) }),
    ...(cfg.email && { email: createEmailNotifier(cfg.email) }),
    ...(cfg.webhook && { webhook: createWebhookNotifier(cfg.webhook) }),
  };
}
