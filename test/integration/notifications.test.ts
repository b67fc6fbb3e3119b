// Notifications end to end: real Postgres and Redis, the real Slack SDK, nodemailer and
// Standard Webhooks signing, against local stand-ins over loopback (test/support/notify-standins.ts).
import { describe, expect, it } from 'vitest';
import { useTestSystem, postLead } from '../support/system.js';
import { distinct, type SlackStandin, type SmtpStandin, type WebhookReceiver } from '../support/notify-standins.js';
import { startNotifyChannels } from '../support/notify-channels.js';
import { notifyConfig } from '../support/notify-config.js';
import { until } from '../support/until.js';
import { settleFailures } from '../../src/pipeline/durability.js';

const editorToken = 'editor-token-0123456789';
let slack: SlackStandin;
let smtp: SmtpStandin;
let hooks: WebhookReceiver;

const config = notifyConfig({
  fields: ['email', 'firstName', 'lastName', 'company', 'country'],
  webhookEvents: ['leadAssigned', 'deadLetter'],
  notifications: {
    defaultChannel: 'slack',
    reps: { bo: { channel: 'email' } },
    ops: { email: 'ops@example.com' },
    recordUrls: { api: 'https://crm.example/leads/{{recordId}}' },
    templates: {
      leadAssigned: {
        subject: 'New lead {{leadName}}',
        text: '{{repName}}: {{leadName}} from {{company}} is yours ({{why}}), {{speed}} so far. {{recordUrl}}',
      },
    },
  },
});

const sys = useTestSystem(async () => {
  const channels = await startNotifyChannels(config);
  ({ slack, smtp, hooks } = channels);
  return {
    migrate: true,
    working: true,
    env: { CONFIG_FILE: channels.configFile, ...channels.env, ADMIN_TOKENS: `editor:${editorToken}` },
    after: channels.close,
  };
});

const post = (key: string, lead: Record<string, unknown>) => postLead(sys.app, key, lead);

interface NoteRow {
  id: string;
  event: string;
  channel: string;
  target: string;
  status: string;
  attempts: number;
  first_failed_at: Date | null;
  done_at: Date | null;
  delivery: Record<string, unknown> | null;
}

const notesFor = (eventId: string) =>
  sys.sql.rows<NoteRow>(
    `select n.id, n.event, n.channel, n.target, n.status, n.attempts, n.first_failed_at, n.done_at, n.delivery
     from notifications n join assignments a on a.id = n.assignment_id where a.event_id = $1 order by n.channel, n.target`,
    [eventId],
  );

const ownerWriteFor = async (eventId: string) =>
  (
    await sys.sql.rows<{ status: string; done_at: Date | null }>(
      `select o.status, o.done_at from outbox o join assignments a on a.id = o.assignment_id where a.event_id = $1`,
      [eventId],
    )
  )[0];

const allDone = async (eventId: string, count: number) => {
  const rows = await notesFor(eventId);
  return rows.length === count && rows.every((r) => r.status === 'done') ? rows : undefined;
};

describe('notifications', () => {
  it('tells the rep once on their channel (a Slack DM, an email) and signs one webhook per assignment', async () => {
    const first = await post('notify-0001', { firstName: 'Lu', lastName: 'Ng', company: 'Acme' });
    const second = await post('notify-0002', { firstName: 'Mo', lastName: 'Ra', company: 'Globex' });
    const [toAna, toBo] = [
      await until(() => allDone(first, 2), { timeoutMs: 15_000, what: "ana's notifications sent" }),
      await until(() => allDone(second, 2), { timeoutMs: 15_000, what: "bo's notifications sent" }),
    ];
    expect(toAna.map((r) => [r.event, r.channel, r.target])).toEqual([
      ['leadAssigned', 'slack', 'email:ana@example.com'],
      ['leadAssigned', 'webhook', hooks.url],
    ]);
    expect(toBo.map((r) => [r.channel, r.target])).toEqual([
      ['email', 'bo@example.com'],
      ['webhook', hooks.url],
    ]);

    // Slack: one DM to ana, found by her email, saying who, why, how fast, and where.
    expect(slack.messages).toHaveLength(1);
    const dm = slack.messages[0]!;
    expect(dm.channel).toBe('DU0ANA');
    expect(dm.notificationId).toBe(toAna[0]!.id);
    expect(dm.text).toMatch(
      /^Ana Lopez: Lu Ng from Acme is yours \(rule everyone, pool inbound: ROUND_ROBIN_NEXT.*\), \d+s so far\. https:\/\/crm\.example\/leads\/notify-0001$/,
    );
    expect(toAna[0]!.delivery).toEqual({ channel: 'DU0ANA', ts: dm.ts });

    // Email: one message to bo, its Message-ID the notification's id.
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]).toMatchObject({
      to: ['bo@example.com'],
      subject: 'New lead Mo Ra',
      messageId: `<${toBo[0]!.id}@leads.example>`,
    });

    // Webhooks: one per assignment, each signature verified by the standardwebhooks package.
    expect(hooks.refused).toBe(0);
    expect(hooks.received.map((h) => h.id).sort()).toEqual([toAna[1]!.id, toBo[1]!.id].sort());
    const forAna = hooks.received.find((h) => h.id === toAna[1]!.id)!;
    expect(forAna.body).toMatchObject({
      type: 'lead.assigned',
      data: { notificationId: toAna[1]!.id, repId: 'ana', pool: 'inbound', rule: 'everyone', recordId: 'notify-0001' },
    });
    expect(forAna.body.data.leadId).toEqual(expect.any(String));
  });

  it('keeps retrying through a channel outage longer than a few tries, while routing and the owner write go on', async () => {
    slack.faults.failing = 6;
    hooks.faults.failing = 6;
    const sentBefore = slack.messages.length;
    const hooksBefore = hooks.received.length;
    const eventId = await post('notify-0003', { firstName: 'Al', company: 'Initech' }); // ana again (round robin)

    // The owner is written while every notification is still failing.
    const write = await until(
      async () => ((await ownerWriteFor(eventId))?.status === 'done' ? ownerWriteFor(eventId) : undefined),
      {
        timeoutMs: 15_000,
        what: 'the owner write',
      },
    );
    const rows = await until(() => allDone(eventId, 2), {
      timeoutMs: 20_000,
      what: 'the notifications after the outage',
    });
    for (const r of rows) {
      expect(r.first_failed_at).not.toBeNull();
      expect(r.attempts).toBeGreaterThanOrEqual(3);
      expect(r.done_at!.getTime()).toBeGreaterThan(write!.done_at!.getTime());
    }
    // Still exactly one message each.
    expect(slack.messages.length - sentBefore).toBe(1);
    expect(hooks.received.length - hooksBefore).toBe(1);
  });

  it('makes a notification Slack refuses a dead letter of kind notify, and a replay sends it once', async () => {
    slack.faults.refusing = 1;
    // Round robin: one of the next two leads is ana's, told by Slack.
    let dead: NoteRow | undefined;
    let second = '';
    for (const key of ['notify-0004', 'notify-0005']) {
      second = await post(key, { firstName: 'Ed' });
      const rows = await until(
        async () =>
          (await notesFor(second)).filter((r) => r.status !== 'pending').length === 2 ? notesFor(second) : undefined,
        {
          timeoutMs: 15_000,
          what: `the notifications of ${key} settled`,
        },
      );
      dead = rows.find((r) => r.channel === 'slack' && r.status === 'failed');
      if (dead) break;
    }
    expect(dead).toBeDefined();
    const admin = { 'x-admin-token': editorToken };
    const listed = await sys.app.inject({ method: 'GET', url: '/v1/admin/failures?kind=notify', headers: admin });
    expect(listed.json().items).toEqual([
      expect.objectContaining({
        kind: 'notify',
        id: dead!.id,
        code: 'NOTIFY_REJECTED',
        lastError: 'NOTIFY_REJECTED: slack: channel_not_found',
        ownerId: 'email:ana@example.com',
      }),
    ]);

    const before = slack.messages.length;
    const replay = await sys.app.inject({
      method: 'POST',
      url: '/v1/admin/failures/replay',
      headers: admin,
      payload: { kind: 'notify' },
    });
    expect(replay.json()).toEqual({ dryRun: false, replayed: [{ kind: 'notify', id: dead!.id }], skipped: [] });
    await until(() => allDone(second, 2), { timeoutMs: 15_000, what: 'the replayed notification sent' });
    expect(slack.messages.slice(before).map((m) => m.notificationId)).toEqual([dead!.id]);
  });

  it('tells operations about a dead letter in the transaction that made it (email and webhook)', async () => {
    const [ev] = await sys.sql.rows<{ id: string }>(
      `insert into inbound_events (source, source_event_id, kind, crm, object_type, record_id, payload)
       values ('api:web-form', 'dead-0001', 'created', 'api', 'lead', 'dead-0001', '{}') returning id`,
    );
    await settleFailures(sys.rt.deps, 'route', [
      { id: ev!.id, failure: { code: 'MAPPING_FAILED', message: 'no mapping for this object type', retryable: false } },
    ]);
    const rows = await until(
      async () => {
        const r = await sys.sql.rows<{ channel: string; target: string; status: string; subject: string }>(
          `select channel, target, status, subject from notifications where event = 'deadLetter' order by channel`,
        );
        return r.length === 2 && r.every((x) => x.status === 'done') ? r : undefined;
      },
      { timeoutMs: 15_000, what: 'the dead letter notifications' },
    );
    expect(rows).toEqual([
      { channel: 'email', target: 'ops@example.com', status: 'done', subject: 'Dead letter: route MAPPING_FAILED' },
      { channel: 'webhook', target: hooks.url, status: 'done', subject: 'Dead letter: route MAPPING_FAILED' },
    ]);
    expect(smtp.mails.filter((m) => m.to.includes('ops@example.com')).map((m) => m.subject)).toEqual([
      'Dead letter: route MAPPING_FAILED',
    ]);
    expect(hooks.received.find((h) => h.body.type === 'dead_letter.created')!.body).toMatchObject({
      type: 'dead_letter.created',
      data: { kind: 'route', id: ev!.id, code: 'MAPPING_FAILED', crm: 'api' },
    });
  });
});
