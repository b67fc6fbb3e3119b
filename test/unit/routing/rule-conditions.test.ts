// Time windows, all_in / none_in, conditions on the matched account, and the skip action:
// each as a table of (condition, lead, time) -> who gets the lead.
import { describe, expect, it } from 'vitest';
import { decide, explainDecision, type Condition } from '../../../src/routing/index.js';
import { aConfig, aLead, anAccount, aRep, at, noHistory, type LeadOverrides } from '../../builders/index.js';

const reps = [aRep({ id: 'yes' }), aRep({ id: 'no' }), aRep({ id: 'owner' })];
const accounts = [anAccount({ id: 'acme', name: 'Acme GmbH', owner: 'owner', domains: ['acme.com'] })];

/** "yes" when the condition holds at `now`, else the default sends the lead to "no". */
function owner(when: Condition, lead: LeadOverrides, now = at('2026-11-25T10:00Z')): string | undefined {
  const config = aConfig({
    reps,
    accounts,
    rules: [{ id: 'r', when, action: { rep: 'yes' } }],
    default: { rep: 'no' },
  });
  const d = decide(aLead(lead), config, noHistory(), now);
  return d.kind === 'assigned' ? d.ownerId : undefined;
}

const berlinOffice: Condition = {
  time: { zone: 'Europe/Berlin', days: ['mon', 'tue', 'wed', 'thu', 'fri'], between: ['09:00', '17:00'] },
};
const night: Condition = { time: { zone: 'UTC', days: ['fri'], between: ['22:00', '06:00'] } };

describe('time conditions (the decision time in a named zone, end exclusive)', () => {
  // 2026-11-25 is a Wednesday; Berlin is UTC+1 in November.
  const cases: Array<[string, Condition, string, 'yes' | 'no']> = [
    ['inside the window', berlinOffice, '2026-11-25T10:00Z', 'yes'],
    ['the start is inside', berlinOffice, '2026-11-25T08:00Z', 'yes'],
    ['one minute before the start', berlinOffice, '2026-11-25T07:59Z', 'no'],
    ['the end is outside (17:00 Berlin)', berlinOffice, '2026-11-25T16:00Z', 'no'],
    ['one minute before the end', berlinOffice, '2026-11-25T15:59Z', 'yes'],
    [
      'read in the zone, not in UTC (00:30 Thu in Berlin is Wed 23:30 UTC)',
      { time: { zone: 'Europe/Berlin', days: ['thu'] } },
      '2026-11-25T23:30Z',
      'yes',
    ],
    ['a weekend day', berlinOffice, '2026-11-28T10:00Z', 'no'],
    ['days only', { time: { zone: 'UTC', days: ['sat', 'sun'] } }, '2026-11-29T03:00Z', 'yes'],
    ['between only, every day', { time: { zone: 'UTC', between: ['00:00', '24:00'] } }, '2026-11-29T23:59Z', 'yes'],
    ['overnight: friday late', night, '2026-11-27T23:00Z', 'yes'],
    ['overnight: the saturday morning belongs to friday', night, '2026-11-28T05:59Z', 'yes'],
    ['overnight: its end is outside', night, '2026-11-28T06:00Z', 'no'],
    ['overnight: thursday night is not friday', night, '2026-11-26T23:00Z', 'no'],
    ['overnight: friday morning belongs to thursday', night, '2026-11-27T05:00Z', 'no'],
  ];
  it.each(cases)('%s', (_name, when, now, expected) => {
    expect(owner(when, {}, at(now))).toBe(expected);
  });

  it('shows the local time it saw in the trace', () => {
    const config = aConfig({
      reps,
      rules: [{ id: 'office', when: berlinOffice, action: { rep: 'yes' } }],
      default: { rep: 'no' },
    });
    const d = decide(aLead(), config, noHistory(), at('2026-11-25T16:30Z'));
    expect(d.trace.rules[0]!.checks).toEqual([
      { field: 'time', op: 'within', expected: berlinOffice.time, saw: 'wed 17:30', result: false },
    ]);
    expect(explainDecision(d)).toContain(
      'time within {"zone":"Europe/Berlin","days":["mon","tue","wed","thu","fri"],"between":["09:00","17:00"]}: saw "wed 17:30" -> no',
    );
  });
});

describe('all_in and none_in on list fields', () => {
  const cases: Array<[string, Condition, LeadOverrides, 'yes' | 'no']> = [
    [
      'all_in: holds every listed value',
      { field: 'productInterest', op: 'all_in', value: ['api', 'sso'] },
      { productInterest: ['SSO', 'billing', 'api'] },
      'yes',
    ],
    [
      'all_in: one missing',
      { field: 'productInterest', op: 'all_in', value: ['api', 'sso'] },
      { productInterest: ['api', 'billing'] },
      'no',
    ],
    ['all_in: empty field', { field: 'productInterest', op: 'all_in', value: ['api'] }, {}, 'no'],
    [
      'all_in: caseSensitive',
      { field: 'productInterest', op: 'all_in', value: ['API'], caseSensitive: true },
      { productInterest: ['api'] },
      'no',
    ],
    [
      'all_in on a custom scalar holding the one value',
      { field: 'custom.plan', op: 'all_in', value: ['pro'] },
      { custom: { plan: 'Pro' } },
      'yes',
    ],
    [
      'none_in: none of them',
      { field: 'productInterest', op: 'none_in', value: ['api', 'sso'] },
      { productInterest: ['billing'] },
      'yes',
    ],
    [
      'none_in: one of them',
      { field: 'productInterest', op: 'none_in', value: ['api', 'sso'] },
      { productInterest: ['billing', 'Api'] },
      'no',
    ],
    [
      'none_in: an empty field does not match (not_in would)',
      { field: 'productInterest', op: 'none_in', value: ['api'] },
      {},
      'no',
    ],
    ['not_in: an empty field matches', { field: 'productInterest', op: 'not_in', value: ['api'] }, {}, 'yes'],
  ];
  it.each(cases)('%s', (_name, when, lead, expected) => {
    expect(owner(when, lead)).toBe(expected);
  });
});

describe('conditions on the matched account', () => {
  const cases: Array<[string, Condition, LeadOverrides, 'yes' | 'no']> = [
    ['a matched account exists', { field: 'account', op: 'exists' }, { emailDomain: 'acme.com' }, 'yes'],
    ['a subdomain matches its account', { field: 'account', op: 'exists' }, { websiteDomain: 'eu.acme.com' }, 'yes'],
    ['no account matched', { field: 'account', op: 'exists' }, { emailDomain: 'other.com' }, 'no'],
    ['account empty: no account matched', { field: 'account', op: 'empty' }, { emailDomain: 'other.com' }, 'yes'],
    [
      'a free-mail domain never matches',
      { field: 'account', op: 'exists' },
      { emailDomain: 'acme.com', freeEmail: true },
      'no',
    ],
    ['account.owner eq', { field: 'account.owner', op: 'eq', value: 'owner' }, { emailDomain: 'acme.com' }, 'yes'],
    [
      'account.name contains',
      { field: 'account.name', op: 'contains', value: 'gmbh' },
      { emailDomain: 'acme.com' },
      'yes',
    ],
    [
      'account.domains all_in',
      { field: 'account.domains', op: 'all_in', value: ['acme.com'] },
      { emailDomain: 'acme.com' },
      'yes',
    ],
    [
      'account.id neq when there is no account',
      { field: 'account.id', op: 'neq', value: 'acme' },
      { emailDomain: 'other.com' },
      'yes',
    ],
    [
      'account.custom reads nothing yet (accounts from config have no custom fields)',
      { field: 'account.custom.tier', op: 'exists' },
      { emailDomain: 'acme.com' },
      'no',
    ],
  ];
  it.each(cases)('%s', (_name, when, lead, expected) => {
    expect(owner(when, lead)).toBe(expected);
  });

  it('traces the account id it saw', () => {
    const config = aConfig({
      reps,
      accounts,
      rules: [{ id: 'known', when: { field: 'account', op: 'exists' }, action: { rep: 'yes' } }],
    });
    const d = decide(aLead({ emailDomain: 'acme.com' }), config, noHistory(), at('2026-11-25T10:00Z'));
    expect(d.trace.rules[0]!.checks).toEqual([
      { field: 'account', op: 'exists', expected: undefined, saw: 'acme', result: true },
    ]);
  });
});

describe('the skip action', () => {
  const config = aConfig({
    reps,
    rules: [
      {
        id: 'closed',
        when: { field: 'custom.status', op: 'in', value: ['won', 'lost'] },
        action: { skip: { reason: 'closed records are not routed' } },
      },
      { id: 'all', when: { match: 'always' }, action: { rep: 'yes' } },
    ],
  });

  it('skips a matching lead with its reason and changes no state', () => {
    const d = decide(aLead({ custom: { status: 'Won' } }), config, noHistory(), at('2026-11-25T10:00Z'));
    expect(d).toMatchObject({
      kind: 'skipped',
      code: 'SKIPPED',
      ruleId: 'closed',
      skipReason: 'closed records are not routed',
      stateChange: { cursors: {}, counterDeltas: {} },
    });
    expect(d.reasons).toContainEqual({ code: 'SKIPPED', detail: 'closed records are not routed' });
    expect(explainDecision(d)).toMatch(/^Skipped by rule closed: closed records are not routed\./);
  });

  it('routes the others', () => {
    expect(decide(aLead({ custom: { status: 'New' } }), config, noHistory(), at('2026-11-25T10:00Z'))).toMatchObject({
      kind: 'assigned',
      ownerId: 'yes',
    });
  });

  it('can be a fallback', () => {
    const away = aConfig({
      reps: [aRep({ id: 'gone', active: false })],
      rules: [
        {
          id: 'r',
          when: { match: 'always' },
          action: { rep: 'gone', fallback: { skip: { reason: 'nobody to route to' } } },
        },
      ],
    });
    expect(decide(aLead(), away, noHistory(), at('2026-11-25T10:00Z'))).toMatchObject({
      kind: 'skipped',
      skipReason: 'nobody to route to',
    });
  });
});
