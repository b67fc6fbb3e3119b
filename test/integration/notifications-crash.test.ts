// A worker SIGKILLed mid-send: every channel has taken its message and none has answered. The
// next worker tries again once the send's lease runs out, and each receiver still ends up with
// one message: Slack is asked first (the message carries the notification id in its metadata),
// and the webhook and the email go again under the same webhook-id and Message-ID.
import { describe, expect, it } from 'vitest';
import { useServeAndWorkers } from '../support/serve-and-workers.js';
import { postLead } from '../support/system.js';
import { distinct, type SlackStandin, type SmtpStandin, type WebhookReceiver } from '../support/notify-standins.js';
import { startNotifyChannels, type NotifyChannels } from '../support/notify-channels.js';
import { notifyConfig } from '../support/notify-config.js';
import { until } from '../support/until.js';

let channels: NotifyChannels;
let slack: SlackStandin;
let smtp: SmtpStandin;
let hooks: WebhookReceiver;

const config = notifyConfig({
  webhookEvents: ['leadAssigned'],
  notifications: { reps: { ana: { channel: 'slack' }, bo: { channel: 'email' } } },
});

// The intake only serves: the workers below send.
const sys = useServeAndWorkers(
  async () => {
    channels = await startNotifyChannels(config);
    ({ slack, smtp, hooks } = channels);
    return { CONFIG_FILE: channels.configFile };
  },
  () => channels?.close(),
);

const worker = () =>
  sys.worker({
    SWEEP_AFTER_MS: '300',
    SWEEP_INTERVAL_MS: '200',
    // A send's lease is 4 x this + 2 s: a held send in the first worker is tried again ~8 s on.
    NOTIFY_TIMEOUT_MS: '1500',
    ...channels.env,
  });

const post = (key: string) => postLead(sys.intake.app, key, { firstName: key });

const rows = () =>
  sys.sql.rows<{ id: string; channel: string; status: string; delivery: Record<string, unknown> | null }>(
    `select id, channel, status, delivery from notifications order by channel, target`,
  );

describe('notifications when a worker dies mid-send', () => {
  it('delivers exactly one Slack DM, one email and one webhook per notification', async () => {
    slack.faults.holding = 1;
    smtp.faults.holding = 1;
    hooks.faults.holding = 2;
    await post('crash-ana-0001'); // round robin: ana (Slack DM), then bo (email); a webhook each
    await post('crash-bo-0001');

    const first = worker();
    await until(() => slack.messages.length === 1 && smtp.mails.length === 1 && hooks.received.length === 2, {
      timeoutMs: 20_000,
      what: 'every channel to have taken its message, unanswered',
    });
    first.child.kill('SIGKILL');
    await first.exited;
    expect((await rows()).map((r) => r.status)).toEqual(['pending', 'pending', 'pending', 'pending']);

    const second = worker();
    const done = await until(
      async () => {
        const r = await rows();
        return r.length === 4 && r.every((x) => x.status === 'done') ? r : undefined;
      },
      { timeoutMs: 30_000, what: 'the second worker to finish the sends' },
    );
    const [email, slackRow, ...webhooks] = done;

    // Slack: the second try found the message the first posted, and posted nothing.
    expect(slack.messages).toHaveLength(1);
    expect(slack.calls.filter((c) => c === 'chat.postMessage')).toHaveLength(1);
    expect(slackRow!.delivery).toMatchObject({ channel: 'DU0ANA', ts: slack.messages[0]!.ts, found: true });
    // Email and webhooks went again, under the same ids: one message each to a receiver that deduplicates.
    expect(smtp.mails.length).toBeGreaterThanOrEqual(2);
    expect(distinct(smtp.mails.map((m) => m.messageId))).toEqual([`<${email!.id}@leads.example>`]);
    expect(hooks.received.length).toBeGreaterThanOrEqual(3);
    expect(distinct(hooks.received.map((h) => h.id)).sort()).toEqual(webhooks.map((w) => w.id).sort());
    expect(hooks.refused).toBe(0);

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
