// The pure half of notifications: templates refused at validate with their path, and what an
// assignment says to whom (channel, target, quiet hours, SLA warning time).
import { describe, expect, it } from 'vitest';
import { parseConfigDocument } from '../../../src/config/index.js';
import { decide } from '../../../src/routing/index.js';
import {
  notificationsSchema,
  planLeadAssigned,
  planSlaWarning,
  renderTemplate,
  type NotificationsConfigInput,
} from '../../../src/notify/index.js';
import { aConfig, aLead, aPool, aRep, at, noHistory, weekdaysHours } from '../../builders/index.js';

const doc = (notifications: unknown) => ({
  mappings: { 'api/lead': { fields: [{ from: 'email', to: 'email' }] } },
  routing: {
    reps: [{ id: 'ana', name: 'Ana Lopez', email: 'ana@example.com', crmIds: { api: 'a1' } }],
    pools: [{ id: 'inbound', strategy: 'round_robin', members: ['ana'] }],
    rules: [{ id: 'all', when: { match: 'always' }, action: { pool: 'inbound' } }],
  },
  notifications,
});

describe('notification templates at validate', () => {
  it('refuses a template naming an unknown variable, with its path', () => {
    const r = parseConfigDocument(
      doc({ templates: { leadAssigned: { text: 'Hi {{repName}}, {{leadname}} is yours' } } }),
    );
    expect(r).toEqual({
      ok: false,
      errors: [
        {
          path: 'notifications.templates.leadAssigned.text',
          message: expect.stringMatching(/^uses unknown variable \{\{leadname\}\}; this event offers leadName, /),
        },
      ],
    });
  });

  it('refuses a variable another event offers but this one does not, and an unclosed placeholder', () => {
    const r = parseConfigDocument(
      doc({ templates: { slaBreach: { subject: '{{minutesLeft}} left', text: 'oops {{leadName' } } }),
    );
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors.map((e) => e.path)).toEqual([
      'notifications.templates.slaBreach.subject',
      'notifications.templates.slaBreach.text',
    ]);
  });

  it('refuses preferences for a rep or pool that does not exist, and an unknown event name', () => {
    const r = parseConfigDocument(
      doc({
        reps: { zed: { channel: 'email' } },
        pools: { nope: { slackChannel: 'C1' } },
        templates: { assigned: { text: 'x' } },
      }),
    );
    expect(!r.ok && r.errors.map((e) => e.path)).toEqual(expect.arrayContaining(['notifications.templates.assigned']));
    const refs = parseConfigDocument(
      doc({ reps: { zed: { channel: 'email' } }, pools: { nope: { slackChannel: 'C1' } } }),
    );
    expect(!refs.ok && refs.errors).toEqual([
      { path: 'notifications.reps.zed', message: 'names rep "zed", which does not exist in routing.reps' },
      { path: 'notifications.pools.nope', message: 'names pool "nope", which does not exist in routing.pools' },
    ]);
  });

  it('accepts a document with valid templates', () => {
    const r = parseConfigDocument(
      doc({
        defaultChannel: 'slack',
        templates: { leadAssigned: { subject: '{{leadName}}', text: '{{why}} {{speed}}' } },
      }),
    );
    expect(r.ok).toBe(true);
  });

  it('renders variables and leaves text around them alone', () => {
    expect(renderTemplate('Hi {{ name }}, {not} {{missing}}!', { name: 'Ana' })).toBe('Hi Ana, {not} !');
  });
});

describe('planning notifications', () => {
  const ana = aRep({ id: 'ana', name: 'Ana Lopez', email: 'ana@example.com' });
  const routing = aConfig({ pools: [aPool({ id: 'inbound', reps: [ana] })] });
  const n = (input: NotificationsConfigInput) => notificationsSchema.parse(input);
  const lead = aLead({ firstName: 'Lu', lastName: 'Ng', company: 'Acme' });
  const now = at('2026-11-25T10:00:05Z');
  const decision = decide(lead, routing, noHistory(), now);

  it('tells the rep on their channel, the pool channel and subscribed webhooks, each once', () => {
    const rows = planLeadAssigned(
      {
        routing,
        notifications: n({
          defaultChannel: 'slack',
          pools: { inbound: { slackChannel: 'C42' } },
          webhooks: [{ id: 'ops', url: 'https://hooks.example/lr', events: ['leadAssigned'] }],
          recordUrls: { hubspot: 'https://crm.example/{{objectType}}/{{recordId}}' },
        }),
      },
      { eventId: 'ev1', lead, decision, receivedAt: at('2026-11-25T10:00:00Z') },
      now,
    );
    expect(rows.map((r) => [r.channel, r.target, r.dedupeKey, r.notBefore])).toEqual([
      ['slack', 'email:ana@example.com', 'leadAssigned:ev1:slack:email:ana@example.com', null],
      ['slack', 'channel:C42', 'leadAssigned:ev1:slack:channel:C42', null],
      ['webhook', 'https://hooks.example/lr', 'leadAssigned:ev1:webhook:https://hooks.example/lr', null],
    ]);
    expect(rows[0]!.body).toBe(
      `New lead for Ana Lopez: Lu Ng (Acme), ${lead.email}. Why: rule ${decision.ruleId}, pool inbound: ${decision.code} (first in line on pool/inbound (no lead on it yet)). 5s since it arrived. https://crm.example/${lead.source.objectType}/${lead.source.id}`,
    );
    expect(rows[2]!.payload).toMatchObject({ repId: 'ana', speedSeconds: 5, pool: 'inbound' });
  });

  it('holds a rep message in quiet hours until they work again (wait), or sends it (send)', () => {
    const nine = aRep({
      id: 'ana',
      email: 'ana@example.com',
      timeZone: 'Europe/Berlin',
      workingHours: weekdaysHours('09:00-17:00'),
    });
    const r = aConfig({ pools: [aPool({ id: 'inbound', reps: [nine] })] });
    const late = at('2026-11-25T20:00:00Z'); // 21:00 in Berlin, Wednesday
    const d = { ...decide(lead, r, noHistory(), at('2026-11-25T10:00:00Z')) };
    const plan = (quietHours: 'wait' | 'send') =>
      planLeadAssigned(
        { routing: r, notifications: n({ defaultChannel: 'email', quietHours }) },
        { eventId: 'e', lead, decision: d, receivedAt: late },
        late,
      );
    expect(plan('wait').map((x) => [x.channel, x.target, x.notBefore?.toISOString()])).toEqual([
      ['email', 'ana@example.com', '2026-11-26T08:00:00.000Z'],
    ]);
    expect(plan('send')[0]!.notBefore).toBeNull();
  });

  it('plans the SLA warning its lead time before the deadline, and none when that moment has passed', () => {
    const cfg = { routing, notifications: n({ defaultChannel: 'email', slaWarningMinutes: 10 }) };
    const t = { key: 'ev1', lead, repId: 'ana', poolId: 'inbound', dueAt: at('2026-11-25T10:30:00Z') };
    expect(planSlaWarning(cfg, t, now).map((x) => [x.event, x.notBefore?.toISOString()])).toEqual([
      ['slaWarning', '2026-11-25T10:20:00.000Z'],
    ]);
    expect(planSlaWarning(cfg, t, at('2026-11-25T10:21:00Z'))).toEqual([]);
  });

  it('plans nothing without a notifications section, or for a rep whose channel is none', () => {
    expect(planLeadAssigned({ routing }, { eventId: 'e', lead, decision, receivedAt: now }, now)).toEqual([]);
    expect(
      planLeadAssigned(
        { routing, notifications: n({ defaultChannel: 'slack', reps: { ana: { channel: 'none' } } }) },
        { eventId: 'e', lead, decision, receivedAt: now },
        now,
      ),
    ).toEqual([]);
  });
});
