// "Conflict recorded" notifications: a person's owner change that the ownership sync records as a
// conflict tells operations (their Slack channel and address) and the webhooks once, written in the
// conflict's transaction; our own write echoing back records no conflict and tells nobody.
import { describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../src/connector.js';
import { startNotifyChannels, type NotifyChannels } from '../support/notify-channels.js';
import { notifyConfig } from '../support/notify-config.js';
import { useTestSystem } from '../support/system.js';
import { until } from '../support/until.js';
import {
  conflictRules,
  contactMapping,
  fakeHubSpot,
  feedEvents,
  hubspotConfigEnv,
  ownerChanged,
  routeRecord,
} from './sync-helpers.js';

let channels: NotifyChannels;
const hubspot = fakeHubSpot();

const config = notifyConfig({
  mappings: { 'hubspot/contact': contactMapping },
  reps: [
    { id: 'ana', name: 'Ana Lopez', crmIds: { hubspot: '101' } },
    { id: 'bo', name: 'Bo Chen', crmIds: { hubspot: '102' } },
  ],
  rules: conflictRules,
  webhookEvents: ['conflict'],
  // Reps hear nothing here: every message the stand-ins get is about a conflict.
  notifications: { defaultChannel: 'none', ops: { slackChannel: 'C0OPS', email: 'ops@example.com' } },
});

const sys = useTestSystem(async () => {
  channels = await startNotifyChannels(config, { slackChannels: ['C0OPS'] });
  return {
    migrate: true,
    working: true,
    connectors: { hubspot },
    env: { CONFIG_FILE: channels.configFile, HUBSPOT_CONFIG: hubspotConfigEnv, ...channels.env },
    after: () => channels.close(),
  };
});

const wait = { timeoutMs: 60_000 };

const node = () => ({ deps: sys.rt.deps, sql: sys.sql });
const feed = (...events: InboundEvent[]) => feedEvents(node(), events);

/** Routes a new record and waits for its owner write; answers the lead. */
async function routed(recordId: string, fields: Record<string, unknown> = {}) {
  await routeRecord(node(), recordId, fields);
  const [l] = await sys.sql.rows<{ id: string; owner_rep_id: string; crm_owner_id: string }>(
    `select id, owner_rep_id, crm_owner_id from leads where record_id = $1`,
    [recordId],
  );
  return l!;
}

const notes = (leadId: string) =>
  sys.sql.rows<{ event: string; channel: string; target: string; status: string; assignment_id: string | null }>(
    `select event, channel, target, status, assignment_id from notifications where lead_id = $1 order by channel, target`,
    [leadId],
  );

const sent = (recordId: string) => ({
  slack: channels.slack.messages.filter((m) => m.text.includes(recordId)).map((m) => [m.channel, m.text]),
  mail: channels.smtp.mails.filter((m) => m.subject?.includes(recordId)).map((m) => [m.to, m.subject]),
  hooks: channels.hooks.received
    .filter((h) => h.body.data.recordId === recordId)
    .map((h) => [h.body.type, h.body.data.outcome]),
});

const other = (crmOwnerId: string) => (crmOwnerId === '101' ? { crm: '102', name: 'bo' } : { crm: '101', name: 'ana' });
const secondsAfter = (s: number) => new Date(Date.now() + s * 1000);

describe('conflict notifications', () => {
  it('a person reassigns a lead (crm_wins): operations hear once on Slack, by email and by webhook', async () => {
    const l = await routed('8101');
    const theirs = other(l.crm_owner_id);
    await feed(ownerChanged('8101', theirs.crm, { at: secondsAfter(2), by: 'user:4242' }));
    expect(await sys.sql.rows(`select outcome from conflicts where lead_id = $1`, [l.id])).toEqual([
      { outcome: 'adopted' },
    ]);
    await until(async () => (await notes(l.id)).every((n) => n.status === 'done'), { ...wait, what: 'sent' });
    expect(await notes(l.id)).toEqual([
      { event: 'conflict', channel: 'email', target: 'ops@example.com', status: 'done', assignment_id: null },
      { event: 'conflict', channel: 'slack', target: 'channel:C0OPS', status: 'done', assignment_id: null },
      { event: 'conflict', channel: 'webhook', target: channels.hooks.url, status: 'done', assignment_id: null },
    ]);
    const text =
      `The owner of 8101@acme.example was changed in hubspot by user:4242 (routing chose ${l.owner_rep_id}): ` +
      `crm_wins -> adopted. `;
    expect(sent('8101')).toEqual({
      slack: [['C0OPS', text]],
      mail: [[['ops@example.com'], 'Owner changed by hand: 8101@acme.example']],
      hooks: [['lead.conflict', 'adopted']],
    });
  });

  it('router_wins: the revert is told once, naming the assignment that writes our owner back', async () => {
    const l = await routed('8102', { employeeCount: 5000 });
    await feed(ownerChanged('8102', other(l.crm_owner_id).crm, { at: secondsAfter(1) }));
    await until(async () => (await notes(l.id)).length === 3 && (await notes(l.id)).every((n) => n.status === 'done'), {
      ...wait,
      what: 'sent',
    });
    const [revert] = await sys.sql.rows<{ id: string }>(
      `select id from assignments where lead_id = $1 and reason_code = 'SYNC_REVERT'`,
      [l.id],
    );
    expect((await notes(l.id)).map((n) => n.assignment_id)).toEqual([revert!.id, revert!.id, revert!.id]);
    expect(sent('8102')).toMatchObject({
      slack: [['C0OPS', expect.stringContaining('router_wins -> reverted')]],
      mail: [[['ops@example.com'], 'Owner changed by hand: 8102@acme.example']],
      hooks: [['lead.conflict', 'reverted']],
    });
  });

  it('our own write echoing back records no conflict and tells nobody', async () => {
    const l = await routed('8103');
    await feed(ownerChanged('8103', l.crm_owner_id, { at: secondsAfter(1), by: 'app' }));
    expect(await sys.sql.rows(`select classification from ownership_changes where lead_id = $1`, [l.id])).toEqual([
      { classification: 'echo' },
    ]);
    expect(await sys.sql.rows(`select 1 from conflicts where lead_id = $1`, [l.id])).toEqual([]);
    expect(await notes(l.id)).toEqual([]);
    expect(sent('8103')).toEqual({ slack: [], mail: [], hooks: [] });
  });
});
