// Rules over the account match: conditions on account.matched / account.<field>, and the actions
// that route to a person named by CRM data (account owner mapped from the CRM owner id, a lookup
// field user, an account team role, the owner of an existing contact or lead), each explained in
// the decision's trace. The CRM match comes in DecideOptions.account, as the pipeline passes it.
import { describe, expect, it } from 'vitest';
import type { AccountMatch } from '../../../src/accounts/index.js';
import { decide, explainDecision, routingConfigSchema, type DecideOptions } from '../../../src/routing/index.js';
import {
  aConfig,
  aCrmAccount,
  aLead,
  aPerson,
  aPool,
  aRep,
  anAccount,
  anIndexOf,
  at,
  noHistory,
} from '../../builders/index.js';

const now = at('2026-11-25T10:00:00Z');
const ana = aRep({ id: 'ana' });
const bo = aRep({ id: 'bo' });
const cy = aRep({ id: 'cy' });
const pool = aPool({ id: 'inbound', reps: [ana] });

const enterprise = aCrmAccount({
  id: '001A',
  name: 'Globex Corporation',
  websites: ['globex.io'],
  ownerCrmId: 'sf-bo',
  parentId: '001P',
  fields: { Industry: 'Banking', tier: 'Enterprise', BillingCountry: 'Germany', CSM__c: 'sf-cy' },
  team: [{ role: 'Account Manager', userCrmId: 'sf-cy' }],
});
const parent = aCrmAccount({ id: '001P', name: 'Globex Holding', ownerCrmId: 'sf-ana' });
const index = anIndexOf([enterprise, parent]);
const crmMatch = (lead: ReturnType<typeof aLead>, rollUp = false): DecideOptions => {
  const settings = routingConfigSchema.parse({ reps: [ana], rules: [], accountMatching: { rollUpToParent: rollUp } });
  return { account: index.match(lead, settings.accountMatching) as AccountMatch };
};
const sfLead = (o: Parameters<typeof aLead>[0] = {}) =>
  aLead({ source: { crm: 'salesforce', objectType: 'lead', id: '00Q1' }, websiteDomain: 'globex.io', ...o });

const configWith = (rules: unknown[], extra: Record<string, unknown> = {}) =>
  aConfig({ pools: [pool], reps: [bo, cy], rules: rules as never, ...extra });

describe('conditions on the matched account', () => {
  it.each([
    ['account.matched eq true', { field: 'account.matched', op: 'eq', value: true }, true],
    ['account.industry', { field: 'account.industry', op: 'eq', value: 'banking' }, true],
    ['account.tier', { field: 'account.tier', op: 'in', value: ['Enterprise', 'Strategic'] }, true],
    ['account.country as ISO code', { field: 'account.country', op: 'eq', value: 'DE' }, true],
    ['account.owner is our rep id', { field: 'account.owner', op: 'eq', value: 'bo' }, true],
    ['account.method', { field: 'account.method', op: 'eq', value: 'website' }, true],
    ['account.custom.<field>', { field: 'account.custom.CSM__c', op: 'eq', value: 'sf-cy' }, true],
    ['account.tier mismatch', { field: 'account.tier', op: 'eq', value: 'SMB' }, false],
  ])('%s', (_name, when, fires) => {
    const config = configWith([{ id: 'r', when, action: { rep: 'cy' } }], { default: { pool: 'inbound' } });
    const lead = sfLead();
    const d = decide(lead, config, noHistory(), now, crmMatch(lead));
    expect(d.ruleId).toBe(fires ? 'r' : 'default');
  });

  it('account.matched eq false fires without a match, and the trace says none matched', () => {
    const config = configWith([
      { id: 'new', when: { field: 'account.matched', op: 'eq', value: false }, action: { pool: 'inbound' } },
    ]);
    const d = decide(sfLead({ websiteDomain: 'hooli.com' }), config, noHistory(), now, {});
    expect(d).toMatchObject({ ruleId: 'new', trace: { account: { matched: false } } });
  });
});

describe('actions naming a person from CRM data', () => {
  it.each([
    ['account owner (CRM owner id -> rep)', { accountOwner: true }, false, 'bo', 'ACCOUNT_OWNER'],
    ['account owner rolled up to the top parent', { accountOwner: true }, true, 'ana', 'ACCOUNT_OWNER'],
    ['lookup-field user', { accountUser: { field: 'csm__c' } }, false, 'cy', 'ACCOUNT_USER'],
    ['account team role', { accountTeam: { role: 'account manager' } }, false, 'cy', 'ACCOUNT_TEAM'],
  ])('%s', (_name, action, rollUp, owner, code) => {
    const config = configWith([{ id: 'acct', when: { match: 'always' }, action }]);
    const lead = sfLead();
    const d = decide(lead, config, noHistory(), now, crmMatch(lead, rollUp));
    expect(d).toMatchObject({ kind: 'assigned', ownerId: owner, code, crmOwnerId: `sf-${owner}` });
  });

  it.each([
    ['an empty lookup field', { accountUser: { field: 'Partner__c' } }, 'NO_ACCOUNT_USER'],
    ['a role nobody has', { accountTeam: { role: 'Sales Engineer' } }, 'NO_ACCOUNT_USER'],
  ])('falls back on %s', (_name, action, code) => {
    const config = configWith([
      { id: 'acct', when: { match: 'always' }, action: { ...action, fallback: { pool: 'inbound' } } },
    ]);
    const lead = sfLead();
    const d = decide(lead, config, noHistory(), now, crmMatch(lead));
    expect(d).toMatchObject({ kind: 'assigned', ownerId: 'ana', poolId: 'inbound' });
    expect(d.reasons.map((r) => r.code)).toContain(code);
  });

  it('a HubSpot company has no team: accountTeam falls back and the trace says why', () => {
    const company = anIndexOf([
      aCrmAccount({ crm: 'hubspot', id: '7001', websites: ['hs-co.com'], ownerCrmId: '101' }),
    ]);
    const lead = aLead({ websiteDomain: 'hs-co.com' });
    const config = configWith([
      {
        id: 'acct',
        when: { match: 'always' },
        action: { accountTeam: { role: 'Sales Engineer' }, fallback: { pool: 'inbound' } },
      },
    ]);
    const d = decide(lead, config, noHistory(), now, { account: company.match(lead)! });
    expect(d).toMatchObject({ kind: 'assigned', ownerId: 'ana', poolId: 'inbound' });
    expect(d.reasons).toContainEqual({
      code: 'NO_ACCOUNT_USER',
      detail:
        'account team role Sales Engineer is empty: HubSpot companies have no account team (accountTeam reads Salesforce AccountTeamMember)',
    });
  });

  it('a CRM owner who is not one of our reps hands the lead to the fallback', () => {
    const stranger = anIndexOf([aCrmAccount({ id: 'x', websites: ['x.com'], ownerCrmId: 'sf-nobody' })]);
    const lead = sfLead({ websiteDomain: 'x.com' });
    const config = configWith([{ id: 'acct', when: { match: 'always' }, action: { accountOwner: true } }]);
    const d = decide(lead, config, noHistory(), now, { account: stranger.match(lead)! });
    expect(d).toMatchObject({ kind: 'unassigned', code: 'ACCOUNT_OWNER_AWAY' });
    expect(d.reasons).toContainEqual({ code: 'REP_UNKNOWN', detail: 'account owner sf-nobody is not a routed rep' });
  });

  it('existing records: a contact owner before a lead owner, never the lead itself', () => {
    const config = configWith([
      { id: 'known', when: { match: 'always' }, action: { existingOwner: true, fallback: { pool: 'inbound' } } },
    ]);
    const lead = sfLead({ email: 'jo@globex.io' });
    const existingRecords = [
      aPerson({ kind: 'contact', id: '003X', email: 'jo@globex.io', ownerCrmId: 'sf-someone-else' }),
      aPerson({ kind: 'contact', id: '003C', email: 'jo@globex.io', ownerCrmId: 'sf-cy' }),
      aPerson({ kind: 'lead', id: '00Q0', email: 'jo@globex.io', ownerCrmId: 'sf-bo' }),
    ];
    expect(decide(lead, config, noHistory(), now, { existingRecords })).toMatchObject({
      ownerId: 'cy',
      code: 'EXISTING_OWNER',
    });
    const self = [aPerson({ kind: 'lead', id: '00Q1', email: 'jo@globex.io', ownerCrmId: 'sf-bo' })];
    const d = decide(lead, config, noHistory(), now, { existingRecords: self });
    expect(d).toMatchObject({ ownerId: 'ana', poolId: 'inbound' });
    expect(d.reasons.map((r) => r.code)).toContain('NO_EXISTING_RECORD');
  });
});

describe('the trace explains the match', () => {
  it('names source, method, key, candidates, the deciding tie-break and confidence', () => {
    const shared = anIndexOf([
      aCrmAccount({ id: '2', websites: ['initech.com'], ownerCrmId: 'sf-bo', opportunities: 7 }),
      aCrmAccount({ id: '1', websites: ['initech.com'], ownerCrmId: 'sf-cy', opportunities: 2 }),
    ]);
    const lead = sfLead({ websiteDomain: 'eu.initech.com' });
    const config = configWith([{ id: 'acct', when: { match: 'always' }, action: { accountOwner: true } }]);
    const d = decide(lead, config, noHistory(), now, { account: shared.match(lead)! });
    expect(d).toMatchObject({ ownerId: 'bo', code: 'ACCOUNT_OWNER' });
    expect(d.trace.account).toEqual({
      matched: true,
      source: 'crm',
      accountId: '2',
      method: 'website',
      key: 'initech.com',
      leadValue: 'eu.initech.com',
      candidates: ['2', '1'],
      tieBreak: 'most_opportunities',
      confidence: 0.98,
    });
    expect(explainDecision(d)).toContain(
      'crm account 2 by website initech.com (lead had eu.initech.com), confidence 0.98\n      candidates 2, 1; decided by most_opportunities',
    );
  });

  it('a config account wins over the CRM match, through the same matcher', () => {
    const config = configWith([{ id: 'acct', when: { match: 'always' }, action: { accountOwner: true } }], {
      accounts: [anAccount({ id: 'globex-cfg', domains: ['globex.io'], owner: 'cy' })],
    });
    const lead = sfLead({ websiteDomain: 'www.globex.io' });
    const d = decide(lead, config, noHistory(), now, crmMatch(lead));
    expect(d).toMatchObject({ ownerId: 'cy', trace: { account: { source: 'config', accountId: 'globex-cfg' } } });
  });
});

describe('routing.accountMatching', () => {
  const parse = (accountMatching: unknown) =>
    routingConfigSchema.safeParse({ reps: [{ id: 'ana' }], rules: [], accountMatching });
  it('fills the defaults', () => {
    expect(parse({}).data?.accountMatching).toEqual({
      crossTld: false,
      contactDomains: true,
      names: { enabled: true, threshold: 0.7, allowNameOnly: false },
      tieBreak: [
        'one_per_owner',
        'most_children',
        'most_opportunities',
        'most_contacts',
        'latest_activity',
        'oldest_created',
        'lowest_id',
      ],
      rollUpToParent: false,
    });
  });
  it.each([
    [{ names: { threshold: 2 } }, ['names', 'threshold']],
    [{ tieBreak: ['most_deals'] }, ['tieBreak']],
    [{ tieBreak: ['lowest_id', 'lowest_id'] }, ['tieBreak']],
    [{ crossTLD: true }, []],
  ])('names the bad field: %j', (value, path) => {
    const r = parse(value);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(['accountMatching', ...path]);
  });
});
