import { describe, expect, it } from 'vitest';
import { decide } from '../../../src/routing/index.js';
import { aConfig, aLead, aPool, aQueue, aRep, anAccount, at, days, noHistory } from '../../builders/index.js';

const now = at('2026-11-25T10:00Z');
const ana = aRep({ id: 'ana' });
const bo = aRep({ id: 'bo' });
const cy = aRep({ id: 'cy', away: [days('2026-11-24', '2026-11-26')] });
const pool = aPool({ id: 'inbound', reps: [ana, bo] });
const accounts = [
  anAccount({ id: 'acme', domains: ['acme.com'], owner: 'cy' }),
  anAccount({ id: 'globex', domains: ['globex.io'], owner: 'bo' }),
];

describe('actions', () => {
  it('routes to a pool and names pool, rule and reason', () => {
    const d = decide(aLead(), aConfig({ pools: [pool] }), noHistory(), now);
    expect(d).toMatchObject({
      kind: 'assigned',
      ownerId: 'ana',
      crmOwnerId: 'hs-ana',
      poolId: 'inbound',
      ruleId: 'all',
      code: 'ROUND_ROBIN_NEXT',
    });
    expect(d.reasons[0]).toEqual({ code: 'RULE_MATCHED', ruleId: 'all' });
  });

  it("writes back the owner id of the lead's CRM; api leads fall back to the rep id", () => {
    const config = aConfig({ reps: [ana], rules: [{ id: 'r', when: { match: 'always' }, action: { rep: 'ana' } }] });
    expect(decide(aLead({ crm: 'salesforce' }), config, noHistory(), now)).toMatchObject({
      ownerId: 'ana',
      crmOwnerId: 'sf-ana',
    });
    expect(decide(aLead({ crm: 'api' }), config, noHistory(), now)).toMatchObject({
      ownerId: 'ana',
      crmOwnerId: 'ana',
    });
  });

  it("skips a rep without an id in the lead's CRM", () => {
    const hsOnly = aRep({ id: 'hs-only', crmIds: { hubspot: '111' } });
    const config = aConfig({ pools: [aPool({ reps: [hsOnly, bo] })] });
    const d = decide(aLead({ crm: 'salesforce' }), config, noHistory(), now);
    expect(d).toMatchObject({ kind: 'assigned', ownerId: 'bo' });
    expect(d.reasons).toContainEqual(expect.objectContaining({ code: 'REP_NO_CRM_ID', repId: 'hs-only' }));
  });

  it('routes to a named rep, and to the fallback when that rep is away', () => {
    const config = aConfig({
      reps: [ana, cy],
      rules: [{ id: 'vip', when: { match: 'always' }, action: { rep: 'cy', fallback: { rep: 'ana' } } }],
    });
    const d = decide(aLead(), config, noHistory(), now);
    expect(d).toMatchObject({ kind: 'assigned', ownerId: 'ana', code: 'NAMED_REP' });
    expect(d.reasons.map((r) => r.code)).toEqual(['RULE_MATCHED', 'REP_AWAY', 'FALLBACK', 'NAMED_REP']);
  });

  it('named rep away with no fallback: unassigned REP_UNAVAILABLE', () => {
    const config = aConfig({ reps: [cy], rules: [{ id: 'vip', when: { match: 'always' }, action: { rep: 'cy' } }] });
    expect(decide(aLead(), config, noHistory(), now)).toMatchObject({
      kind: 'unassigned',
      code: 'REP_UNAVAILABLE',
      ruleId: 'vip',
    });
  });

  it('routes to a CRM queue', () => {
    const config = aConfig({
      reps: [ana],
      queues: [aQueue('triage', { salesforce: '00G1' })],
      rules: [{ id: 'q', when: { match: 'always' }, action: { queue: 'triage' } }],
    });
    expect(decide(aLead({ crm: 'salesforce' }), config, noHistory(), now)).toMatchObject({
      kind: 'assigned',
      ownerKind: 'queue',
      ownerId: 'triage',
      crmOwnerId: '00G1',
      code: 'CRM_QUEUE',
    });
    expect(decide(aLead({ crm: 'hubspot' }), config, noHistory(), now)).toMatchObject({
      kind: 'unassigned',
      code: 'NO_CRM_OWNER',
    });
  });

  it('uses the default action when no rule matches', () => {
    const config = aConfig({
      pools: [pool],
      rules: [{ id: 'us', when: { field: 'country', op: 'eq', value: 'US' }, action: { rep: 'bo' } }],
      default: { pool: 'inbound' },
    });
    const d = decide(aLead({ country: 'DE' }), config, noHistory(), now);
    expect(d).toMatchObject({ kind: 'assigned', ownerId: 'ana', ruleId: 'default' });
    expect(d.reasons[0]).toEqual({ code: 'DEFAULT_ACTION', ruleId: 'default' });
  });
});

describe('account owner', () => {
  const config = aConfig({
    pools: [pool],
    reps: [cy],
    accounts,
    rules: [
      { id: 'accounts', when: { match: 'always' }, action: { accountOwner: true, fallback: { pool: 'inbound' } } },
    ],
  });

  it('sends a lead whose website domain matches to the account owner', () => {
    const d = decide(aLead({ websiteDomain: 'globex.io' }), config, noHistory(), now);
    expect(d).toMatchObject({ kind: 'assigned', ownerId: 'bo', code: 'ACCOUNT_OWNER' });
    expect(d.reasons).toContainEqual({
      code: 'ACCOUNT_MATCHED',
      repId: 'bo',
      detail: 'config account globex by website globex.io',
    });
  });

  it('matches a work email domain and subdomains, never a free-mail domain', () => {
    expect(decide(aLead({ emailDomain: 'eu.globex.io', freeEmail: false }), config, noHistory(), now)).toMatchObject({
      ownerId: 'bo',
      code: 'ACCOUNT_OWNER',
    });
    const free = aConfig({
      reps: [bo],
      accounts: [anAccount({ id: 'g', domains: ['gmail.com'], owner: 'bo' })],
      rules: [{ id: 'a', when: { match: 'always' }, action: { accountOwner: true } }],
    });
    expect(decide(aLead({ emailDomain: 'gmail.com', freeEmail: true }), free, noHistory(), now)).toMatchObject({
      kind: 'unassigned',
      code: 'NO_ACCOUNT_MATCH',
    });
  });

  it('falls back when the owner is away, saying so', () => {
    const d = decide(aLead({ websiteDomain: 'acme.com' }), config, noHistory(), now);
    expect(d).toMatchObject({ kind: 'assigned', ownerId: 'ana', poolId: 'inbound', code: 'ROUND_ROBIN_NEXT' });
    expect(d.reasons.map((r) => r.code)).toEqual([
      'RULE_MATCHED',
      'ACCOUNT_MATCHED',
      'REP_AWAY',
      'FALLBACK',
      'ROUND_ROBIN_NEXT',
    ]);
  });

  it('without a fallback: unassigned ACCOUNT_OWNER_AWAY', () => {
    const strict = aConfig({
      reps: [cy],
      accounts,
      rules: [{ id: 'a', when: { match: 'always' }, action: { accountOwner: true } }],
    });
    expect(decide(aLead({ websiteDomain: 'acme.com' }), strict, noHistory(), now)).toMatchObject({
      kind: 'unassigned',
      code: 'ACCOUNT_OWNER_AWAY',
      ruleId: 'a',
    });
  });

  it('no matching account goes to the fallback with NO_ACCOUNT_MATCH in the reasons', () => {
    const d = decide(aLead({ websiteDomain: 'initech.com' }), config, noHistory(), now);
    expect(d).toMatchObject({ kind: 'assigned', ownerId: 'ana' });
    expect(d.reasons).toContainEqual({ code: 'NO_ACCOUNT_MATCH' });
  });
});

describe('sticky owner', () => {
  const sticky = (stickyOwner: boolean) =>
    aConfig({
      pools: [pool],
      reps: [cy],
      rules: [{ id: 'r', when: { match: 'always' }, stickyOwner, action: { pool: 'inbound' } }],
    });

  it('keeps the current CRM owner when the rule says so', () => {
    const d = decide(aLead({ currentOwnerId: 'hs-bo' }), sticky(true), noHistory(), now);
    expect(d).toMatchObject({ kind: 'assigned', ownerId: 'bo', code: 'STICKY_OWNER' });
    expect(d.stateChange.cursors).toEqual({}); // the rotation does not move for a sticky lead
  });

  it('ignores the current owner when the rule does not say so', () => {
    expect(decide(aLead({ currentOwnerId: 'hs-bo' }), sticky(false), noHistory(), now)).toMatchObject({
      ownerId: 'ana',
      code: 'ROUND_ROBIN_NEXT',
    });
  });

  it("matches the owner id in the lead's own CRM only", () => {
    expect(decide(aLead({ crm: 'salesforce', currentOwnerId: 'hs-bo' }), sticky(true), noHistory(), now)).toMatchObject(
      { ownerId: 'ana' },
    );
    expect(decide(aLead({ crm: 'salesforce', currentOwnerId: 'sf-bo' }), sticky(true), noHistory(), now)).toMatchObject(
      { ownerId: 'bo' },
    );
  });

  it('routes normally when the sticky owner is away or unknown', () => {
    const away = decide(aLead({ currentOwnerId: 'hs-cy' }), sticky(true), noHistory(), now);
    expect(away).toMatchObject({ ownerId: 'ana', code: 'ROUND_ROBIN_NEXT' });
    expect(away.reasons).toContainEqual(expect.objectContaining({ code: 'REP_AWAY', repId: 'cy' }));
    const unknown = decide(aLead({ currentOwnerId: 'someone-else' }), sticky(true), noHistory(), now);
    expect(unknown.reasons).toContainEqual(expect.objectContaining({ code: 'STICKY_OWNER_UNKNOWN' }));
  });
});
