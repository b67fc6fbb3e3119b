// SLA notifications on a settable clock: the warning its lead time before the deadline (none
// once the lead is claimed), and the new owner told after a breach reassigned the lead.
import { describe, expect, it } from 'vitest';
import { testApiKey, useTestSystem, type Clock, postLead } from '../support/system.js';
import type { SlackStandin } from '../support/notify-standins.js';
import { startNotifyChannels } from '../support/notify-channels.js';
import { notifyConfig } from '../support/notify-config.js';
import { until } from '../support/until.js';

let slack: SlackStandin;
const clock: Clock = { at: new Date('2026-12-02T10:00:00Z') };
const advance = (minutes: number) => (clock.at = new Date(clock.at.getTime() + minutes * 60_000));

const config = notifyConfig({
  pool: { id: 'fast', sla: { minutes: 30, maxReassignments: 1 } },
  notifications: { defaultChannel: 'slack', slaWarningMinutes: 10 },
});

const sys = useTestSystem(async () => {
  const channels = await startNotifyChannels(config);
  slack = channels.slack;
  return {
    migrate: true,
    working: true,
    clock,
    env: { CONFIG_FILE: channels.configFile, ...channels.env },
    after: channels.close,
  };
});

const post = (key: string) => postLead(sys.app, key, { firstName: key });

const notes = (leadKey: string) =>
  sys.sql.rows<{ event: string; target: string; status: string; next_attempt_at: Date | null; delivery: unknown }>(
    `select n.event, n.target, n.status, n.next_attempt_at, n.delivery from notifications n join leads l on l.id = n.lead_id
     where l.record_id = $1 order by n.created_at, n.event`,
    [leadKey],
  );
const dmsTo = (user: string) => slack.messages.filter((m) => m.channel === `D${user}`).map((m) => m.text);

describe('SLA notifications', () => {
  it('warns the rep 10 minutes before the deadline, then tells the next rep the lead is theirs after the breach', async () => {
    await post('sla-lu-0001');
    await until(
      async () => (await notes('sla-lu-0001')).some((n) => n.event === 'leadAssigned' && n.status === 'done'),
      {
        timeoutMs: 15_000,
        what: 'the assignment DM',
      },
    );
    const warning = (await notes('sla-lu-0001')).find((n) => n.event === 'slaWarning')!;
    expect(warning).toMatchObject({ target: 'email:ana@example.com', status: 'pending' });
    expect(warning.next_attempt_at).toEqual(new Date('2026-12-02T10:20:00Z'));

    advance(21);
    await until(() => dmsTo('U0ANA').length === 2, { timeoutMs: 15_000, what: 'the SLA warning' });
    expect(dmsTo('U0ANA')[1]).toMatch(
      /^Ana Lopez, sla-lu-0001 is still unclaimed: 10 min left before it is reassigned/,
    );

    advance(10); // past the 30 minutes: the sweeper fires the timer, the lead goes to bo
    // The DM reaches Slack a moment before its row is marked done: wait for both.
    const breachSent = async () =>
      dmsTo('U0BO').length === 1 &&
      (await notes('sla-lu-0001')).some((n) => n.event === 'slaBreach' && n.status === 'done');
    await until(breachSent, { timeoutMs: 15_000, what: "bo's breach notification" });
    expect(dmsTo('U0BO')[0]).toBe('sla-lu-0001 is yours now: Ana Lopez did not claim it in time (reassign). ');
    const rows = await notes('sla-lu-0001');
    expect(rows.map((n) => [n.event, n.target, n.status])).toEqual([
      ['leadAssigned', 'email:ana@example.com', 'done'],
      ['slaWarning', 'email:ana@example.com', 'done'],
      ['slaBreach', 'email:bo@example.com', 'done'],
      ['slaWarning', 'email:bo@example.com', 'pending'], // bo's own timer runs now
    ]);
  });

  it('sends no warning for a lead claimed before it was due', async () => {
    await post('sla-mo-0001');
    const leadId = await until(
      async () => (await sys.sql.rows<{ id: string }>(`select id from leads where record_id = 'sla-mo-0001'`))[0]?.id,
      { timeoutMs: 15_000, what: 'the lead routed' },
    );
    const claim = await sys.app.inject({
      method: 'POST',
      url: `/v1/leads/${leadId}/claim`,
      headers: { 'x-api-key': testApiKey },
      payload: {},
    });
    expect(claim.statusCode).toBe(200);
    const before = slack.messages.length;
    advance(21);
    await until(async () => (await notes('sla-mo-0001')).find((n) => n.event === 'slaWarning')?.status === 'skipped', {
      timeoutMs: 15_000,
      what: 'the warning skipped',
    });
    expect((await notes('sla-mo-0001')).find((n) => n.event === 'slaWarning')!.delivery).toEqual({
      skipped: 'SLA timer claimed',
    });
    expect(slack.messages.slice(before).filter((m) => m.text.includes('sla-mo-0001 is still unclaimed'))).toEqual([]);
  });
});
