// A worker SIGKILLed mid-send: every channel has taken its message and none has answered. The
// next worker tries again once the send's lease runs out, and each receiver still ends up with
// one message: Slack is asked first (the message carries the notification id in its metadata),
// and the webhook and the email go again under the same webhook-id and Message-ID.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childEnv, spawnCli, type CliProcess } from '../support/cli.js';
import { clearQueuePrefix, createTestDatabase, sqlClient, type TestDatabase } from '../support/services.js';
import { startSystem, testApiKey, testEnv, type TestSystem, postLead } from '../support/system.js';
import { distinct, type SlackStandin, type SmtpStandin, type WebhookReceiver } from '../support/notify-standins.js';
import { startNotifyChannels, type NotifyChannels } from '../support/notify-channels.js';
import { notifyConfig } from '../support/notify-config.js';
import { until } from '../support/until.js';
import type { Env } from '../../src/config/index.js';

let tdb: TestDatabase;
let intake: TestSystem;
let env: Env;
let sql: Awaited<ReturnType<typeof sqlClient>>;
let channels: NotifyChannels;
let slack: SlackStandin;
let smtp: SmtpStandin;
let hooks: WebhookReceiver;
const children: CliProcess[] = [];

const config = notifyConfig({
  webhookEvents: ['leadAssigned'],
  notifications: { reps: { ana: { channel: 'slack' }, bo: { channel: 'email' } } },
});

beforeAll(async () => {
  channels = await startNotifyChannels(config);
  ({ slack, smtp, hooks } = channels);
  tdb = await createTestDatabase();
  env = testEnv(tdb.url, { CONFIG_FILE: channels.configFile });
  intake = await startSystem(env, { migrate: true }); // serves only: the workers below send
  sql = await sqlClient(tdb.url);
});

afterAll(async () => {
  for (const c of children) c.child.kill('SIGKILL');
  await intake?.close();
  await clearQueuePrefix(env.QUEUE_PREFIX);
  await sql?.end();
  await tdb?.drop();
  await channels?.close();
});

function worker(): CliProcess {
  const c = spawnCli(
    ['worker'],
    childEnv({
      DATABASE_URL: tdb.url,
      REDIS_URL: env.REDIS_URL!,
      QUEUE_PREFIX: env.QUEUE_PREFIX,
      INTAKE_API_KEYS: testApiKey,
      LOG_LEVEL: 'trace',
      WORKER_PORT: '0',
      JOB_LOCK_MS: '1500',
      RETRY_BASE_MS: '50',
      SWEEP_AFTER_MS: '300',
      SWEEP_INTERVAL_MS: '200',
      // A send's lease is 4 x this + 2 s: a held send in the first worker is tried again ~8 s on.
      NOTIFY_TIMEOUT_MS: '1500',
      ...channels.env,
    }),
  );
  children.push(c);
  return c;
}

const post = (key: string) => postLead(intake.app, key, { firstName: key });

const rows = () =>
  sql.rows<{ id: string; channel: string; status: string; delivery: Record<string, unknown> | null }>(
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
