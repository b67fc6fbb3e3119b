// Every channel a notifications test sends to, started together: Slack (knowing ana and bo, the
// reps of the tests' configs), an SMTP server and a webhook receiver; the test's config written to
// a file (it names the receiver's URL), and the env that points lead-router at the three.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  slackToken,
  smtpPassword,
  smtpUser,
  startSlackStandin,
  startSmtpStandin,
  startWebhookReceiver,
  webhookSecret,
  type SlackStandin,
  type SmtpStandin,
  type WebhookReceiver,
} from './notify-standins.js';

export interface NotifyChannels {
  slack: SlackStandin;
  smtp: SmtpStandin;
  hooks: WebhookReceiver;
  /** The config, as CONFIG_FILE takes it. */
  configFile: string;
  /** The channels' settings (not CONFIG_FILE: a worker reads the config the intake stored). */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** `slackChannels`: the channels the Slack stand-in knows (a pool's or operations' channel). */
export async function startNotifyChannels(
  config: (webhookUrl: string) => string,
  { slackChannels = [] }: { slackChannels?: string[] } = {},
): Promise<NotifyChannels> {
  const [slack, smtp, hooks] = await Promise.all([
    startSlackStandin({ 'ana@example.com': 'U0ANA', 'bo@example.com': 'U0BO' }, slackChannels),
    startSmtpStandin(),
    startWebhookReceiver(),
  ]);
  const configFile = join(mkdtempSync(join(tmpdir(), 'notify-')), 'config.yaml');
  writeFileSync(configFile, config(hooks.url));
  return {
    slack,
    smtp,
    hooks,
    configFile,
    env: {
      SLACK_BOT_TOKEN: slackToken,
      SLACK_API_URL: slack.url,
      SMTP_URL: smtp.url,
      SMTP_USER: smtpUser,
      SMTP_PASSWORD: smtpPassword,
      SMTP_FROM: 'Lead Router <router@leads.example>',
      WEBHOOK_SIGNING_SECRET: webhookSecret,
    },
    close: async () => {
      await Promise.all([slack.close(), smtp.close(), hooks.close()]);
    },
  };
}
