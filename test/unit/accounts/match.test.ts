// The matching waterfall over the in-memory index: website and email domains (registrable,
// subdomains, free mail), the dominant account by contact domain, cross-TLD, company names with
// and without a supporting signal, tie-breaks in the admin's order or "do not guess", parent
// roll-up, and updates (a reassigned owner is what the next match sees).
import { describe, expect, it } from 'vitest';
import { defaultMatchOptions, type MatchOptions, type TieBreakOrder } from '../../../src/accounts/index.js';
import { aCrmAccount, aLead, aPerson, anIndexOf } from '../../builders/index.js';

const opts = (o: Partial<MatchOptions> = {}): MatchOptions => ({ ...defaultMatchOptions, ...o });
const names = (o: Partial<MatchOptions['names']>) => opts({ names: { ...defaultMatchOptions.names, ...o } });

describe('domains', () => {
  const index = anIndexOf([
    aCrmAccount({ id: 'acme', name: 'Acme Inc', websites: ['https://www.acme.com/'], ownerCrmId: 'u1' }),
    aCrmAccount({ id: 'acme-eu', name: 'Acme Europe', websites: ['eu.acme.com'], ownerCrmId: 'u2' }),
    aCrmAccount({ id: 'globex', name: 'Globex', websites: ['http://globex.co.uk:8080/home'], ownerCrmId: 'u3' }),
    aCrmAccount({ id: 'initech', websites: ['initech.io'], ownerCrmId: 'u4' }),
    aCrmAccount({ id: 'gmail', websites: ['gmail.com'], ownerCrmId: 'u5' }),
  ]);
  it.each([
    ['website exact', { websiteDomain: 'acme.com' }, 'acme', 'website', 'acme.com', 1],
    ['website subdomain -> registrable', { websiteDomain: 'shop.acme.com' }, 'acme', 'website', 'acme.com', 0.98],
    ['subsidiary site matched exactly', { websiteDomain: 'eu.acme.com' }, 'acme-eu', 'website', 'eu.acme.com', 1],
    ['public suffix co.uk', { websiteDomain: 'www.globex.co.uk' }, 'globex', 'website', 'globex.co.uk', 1],
    ['subdomain under co.uk', { websiteDomain: 'uk.globex.co.uk' }, 'globex', 'website', 'globex.co.uk', 0.98],
    [
      'work email',
      { email: 'jo@initech.io', emailDomain: 'initech.io' },
      'initech',
      'email_domain',
      'initech.io',
      0.95,
    ],
    ['email subdomain', { emailDomain: 'mail.initech.io' }, 'initech', 'email_domain', 'initech.io', 0.931],
    [
      'website before email',
      { websiteDomain: 'globex.co.uk', emailDomain: 'initech.io' },
      'globex',
      'website',
      'globex.co.uk',
      1,
    ],
  ])('%s', (_name, lead, id, method, key, confidence) => {
    const m = index.match(aLead(lead));
    expect(m).toMatchObject({ account: { id }, method, key, confidence });
  });

  it.each([
    ['free mail flag', { emailDomain: 'acme.com', freeEmail: true }],
    ['free-mail domain without the flag', { emailDomain: 'gmail.com' }],
    ['free-mail website', { websiteDomain: 'gmail.com' }],
    ['unknown domain', { emailDomain: 'hooli.com' }],
    ['no domain at all', {}],
  ])('no match: %s', (_name, lead) => {
    expect(index.match(aLead(lead))).toBeUndefined();
  });
});

describe('dominant account by contact domain', () => {
  const index = anIndexOf([
    aCrmAccount({ id: 'a', websites: ['a.com'] }),
    aCrmAccount({ id: 'b', children: 5 }),
    aCrmAccount({ id: 'c' }),
  ]);
  index.setContactDomains([
    { crm: 'salesforce', accountId: 'b', domain: 'umbrella.com', contacts: 30 },
    { crm: 'salesforce', accountId: 'c', domain: 'umbrella.com', contacts: 10 },
    { crm: 'salesforce', accountId: 'a', domain: 'a.com', contacts: 99 },
    { crm: 'salesforce', accountId: 'c', domain: 'tie.com', contacts: 4 },
    { crm: 'salesforce', accountId: 'b', domain: 'tie.com', contacts: 4 },
  ]);

  it('goes to the account with most contacts at the domain, confidence its share', () => {
    expect(index.match(aLead({ emailDomain: 'umbrella.com' }))).toMatchObject({
      account: { id: 'b' },
      method: 'contact_domain',
      candidates: ['b'],
      confidence: 0.6,
    });
  });
  it('equal counts go through the tie-break (most children)', () => {
    expect(index.match(aLead({ emailDomain: 'tie.com' }))).toMatchObject({
      account: { id: 'b' },
      candidates: ['b', 'c'],
      tieBreak: 'most_children',
    });
  });
  it('is off when the admin turns it off', () => {
    expect(index.match(aLead({ emailDomain: 'umbrella.com' }), opts({ contactDomains: false }))).toBeUndefined();
  });
  it("a partial change replaces only the named accounts' counts and keeps everyone else's", () => {
    const own = anIndexOf([aCrmAccount({ id: 'b' }), aCrmAccount({ id: 'c' })]);
    const b = { crm: 'salesforce' as const, accountId: 'b', domain: 'umbrella.com', contacts: 3 };
    const c = { crm: 'salesforce' as const, accountId: 'c', domain: 'umbrella.com', contacts: 2 };
    own.replaceContactDomains('salesforce', ['b'], [b, { ...b, domain: 'b.example', contacts: 7 }]);
    own.replaceContactDomains('salesforce', ['c'], [c]);
    expect(own.match(aLead({ emailDomain: 'umbrella.com' }))?.account.id).toBe('b');
    // b's counts are replaced whole: its b.example row goes too, c's stay.
    own.replaceContactDomains('salesforce', ['b'], [{ ...b, contacts: 1 }]);
    expect(own.match(aLead({ emailDomain: 'umbrella.com' }))?.account.id).toBe('c');
    expect(own.contactDomainCounts('b.example')).toEqual([]);
    own.replaceContactDomains('salesforce', ['c'], []);
    expect(own.match(aLead({ emailDomain: 'umbrella.com' }))?.account.id).toBe('b');
    expect(own.contactDomainCounts('UMBRELLA.com')).toEqual([{ ...b, contacts: 1 }]);
    // The same id in another CRM is another account.
    own.replaceContactDomains('hubspot', ['b'], []);
    expect(own.contactDomainCounts('umbrella.com')).toHaveLength(1);
  });
});

describe('cross-TLD', () => {
  const index = anIndexOf([
    aCrmAccount({ id: 'acme', websites: ['acme.com'] }),
    aCrmAccount({ id: 'acme-de', websites: ['acme.de'] }),
    aCrmAccount({ id: 'ab', websites: ['ab.com'] }),
    aCrmAccount({ id: 'acmex', websites: ['acmex.com'] }),
  ]);
  const on = opts({ crossTld: true });
  it.each([
    ['acme.fr finds acme.com (lowest id of acme.com, acme.de)', 'acme.fr', on, 'acme', ['acme', 'acme-de']],
    ['acme.co.uk too', 'acme.co.uk', on, 'acme', ['acme', 'acme-de']],
    ['an exact domain needs no cross-TLD', 'acme.de', on, 'acme-de', ['acme-de']],
    ['off by default', 'acme.fr', opts(), undefined, undefined],
    ['base label under 3 characters', 'ab.de', on, undefined, undefined],
    ['exact label only (acme is not acmex)', 'acmex.de', on, 'acmex', ['acmex']],
    ['no prefix matching (acm)', 'acm.de', on, undefined, undefined],
  ])('%s', (_name, domain, o, id, candidates) => {
    const m = index.match(aLead({ emailDomain: domain }), o);
    if (id === undefined) expect(m).toBeUndefined();
    else expect(m).toMatchObject({ account: { id }, candidates, ...(domain !== 'acme.de' && { method: 'cross_tld' }) });
  });
});

describe('company names', () => {
  const index = anIndexOf([
    aCrmAccount({ id: 'acme-de', name: 'Acme GmbH', websites: ['acme.de'], fields: { country: 'Germany' } }),
    aCrmAccount({ id: 'acme-us', name: 'ACME Inc.', websites: ['acme-corp.com'], fields: { BillingCountry: 'US' } }),
    aCrmAccount({ id: 'wayne', name: 'Wayne Enterprises', websites: ['wayne.com'], fields: { country: 'US' } }),
  ]);
  it.each([
    ['exact name + country', { company: 'Acme AG', country: 'DE' }, 'acme-de', 0.9],
    ['exact name + domain base label', { company: 'acme, inc', emailDomain: 'acme-corp.io' }, 'acme-us', 0.9],
    ['similar name + country', { company: 'Wayne Enterprise', country: 'US' }, 'wayne', undefined],
  ])('%s', (_name, lead, id, confidence) => {
    const m = index.match(aLead(lead));
    expect(m).toMatchObject({ account: { id }, method: 'name' });
    if (confidence !== undefined) expect(m?.confidence).toBe(confidence);
    else expect(m!.confidence).toBeLessThan(0.8);
  });
  it.each([
    ['no supporting signal', { company: 'Acme' }, defaultMatchOptions],
    ['country disagrees', { company: 'Wayne Enterprises', country: 'FR' }, defaultMatchOptions],
    ['below the threshold', { company: 'Wayne Ent', country: 'US' }, defaultMatchOptions],
    ['names turned off', { company: 'Acme', country: 'DE' }, names({ enabled: false })],
    ['threshold 1 = exact only', { company: 'Wayne Enterprise', country: 'US' }, names({ threshold: 1 })],
  ])('no match: %s', (_name, lead, o) => {
    expect(index.match(aLead(lead), o)).toBeUndefined();
  });
  it('name-only when the admin allows it (ties broken as usual)', () => {
    expect(index.match(aLead({ company: 'Acme' }), names({ allowNameOnly: true }))).toMatchObject({
      account: { id: 'acme-de' },
      candidates: ['acme-de', 'acme-us'],
      tieBreak: 'lowest_id',
    });
  });
});

describe('tie-breaks among accounts sharing a domain', () => {
  const t = (ms: number) => Date.UTC(2026, 0, 1) + ms;
  const shared = [
    aCrmAccount({
      id: '10',
      websites: ['shared.com'],
      ownerCrmId: 'u1',
      children: 2,
      opportunities: 1,
      contacts: 9,
      lastActivityAt: t(5),
      createdAt: t(3),
    }),
    aCrmAccount({
      id: '9',
      websites: ['shared.com'],
      ownerCrmId: 'u2',
      children: 2,
      opportunities: 4,
      contacts: 1,
      lastActivityAt: t(1),
      createdAt: t(1),
    }),
    aCrmAccount({
      id: '11',
      websites: ['shared.com'],
      ownerCrmId: 'u1',
      children: 1,
      opportunities: 4,
      contacts: 9,
      lastActivityAt: t(5),
      createdAt: t(2),
    }),
  ];
  const index = anIndexOf(shared);
  const lead = aLead({ websiteDomain: 'shared.com' });
  it.each<[string, TieBreakOrder, string | undefined, string | undefined]>([
    ['default order: most children then most opportunities', defaultMatchOptions.tieBreak, '9', 'most_opportunities'],
    [
      'most opportunities first: 9 and 11 tie, then most contacts',
      ['most_opportunities', 'most_contacts', 'lowest_id'],
      '11',
      'most_contacts',
    ],
    [
      'most contacts, latest activity, then lowest id',
      ['most_contacts', 'latest_activity', 'lowest_id'],
      '10',
      'lowest_id',
    ],
    ['oldest created', ['oldest_created'], '9', 'oldest_created'],
    ['latest activity', ['latest_activity', 'oldest_created'], '11', 'oldest_created'],
    ['lowest id compares numerically for numeric ids', ['lowest_id'], '9', 'lowest_id'],
    ['one per owner does not decide across two owners', ['one_per_owner', 'lowest_id'], '9', 'lowest_id'],
    ['an order that leaves several is no match', ['most_contacts'], undefined, undefined],
    ['do not guess', 'do_not_guess', undefined, undefined],
  ])('%s', (_name, tieBreak, id, decidedBy) => {
    const m = index.match(lead, opts({ tieBreak }));
    if (id === undefined) return expect(m).toBeUndefined();
    expect(m).toMatchObject({ account: { id }, tieBreak: decidedBy });
    expect(m!.candidates[0]).toBe(id);
    expect([...m!.candidates].sort()).toEqual(['10', '11', '9']);
  });
  it('one per owner decides when every candidate has the same owner', () => {
    const same = anIndexOf([shared[0]!, shared[2]!]);
    expect(same.match(lead, opts({ tieBreak: ['one_per_owner', 'most_opportunities'] }))).toMatchObject({
      account: { id: '10' },
      tieBreak: 'one_per_owner',
    });
  });
});

describe('hierarchies', () => {
  const index = anIndexOf([
    aCrmAccount({ id: 'root', ownerCrmId: 'boss', websites: ['globalcorp.com'] }),
    aCrmAccount({ id: 'mid', parentId: 'root', ownerCrmId: 'm' }),
    aCrmAccount({ id: 'leaf', parentId: 'mid', ownerCrmId: 'l', websites: ['globalcorp.fr'] }),
    aCrmAccount({ id: 'loop-a', parentId: 'loop-b', websites: ['loop.com'] }),
    aCrmAccount({ id: 'loop-b', parentId: 'loop-a' }),
  ]);
  it('rolls up to the top parent when asked', () => {
    const m = index.match(aLead({ websiteDomain: 'globalcorp.fr' }), opts({ rollUpToParent: true }));
    expect(m).toMatchObject({ account: { id: 'leaf' }, ultimateParent: { id: 'root', ownerCrmId: 'boss' } });
  });
  it('does not by default', () => {
    expect(index.match(aLead({ websiteDomain: 'globalcorp.fr' }))?.ultimateParent).toBeUndefined();
  });
  it('stops on a cycle', () => {
    const m = index.match(aLead({ websiteDomain: 'loop.com' }), opts({ rollUpToParent: true }));
    expect(m?.ultimateParent?.id).toBe('loop-b');
  });
});

describe('updates', () => {
  it('sees a reassignment, a new website and a removal on the next match', () => {
    const index = anIndexOf([aCrmAccount({ id: 'a', websites: ['acme.com'], ownerCrmId: 'u1' })]);
    index.upsert(aCrmAccount({ id: 'a', websites: ['acme.com'], ownerCrmId: 'u2' }));
    expect(index.match(aLead({ websiteDomain: 'acme.com' }))?.account.ownerCrmId).toBe('u2');
    index.upsert(aCrmAccount({ id: 'a', name: 'Acme', websites: ['acme.io'], ownerCrmId: 'u2' }));
    expect(index.match(aLead({ websiteDomain: 'acme.com' }))).toBeUndefined();
    expect(index.match(aLead({ websiteDomain: 'acme.io' }))?.account.id).toBe('a');
    index.remove('salesforce', 'a');
    expect(index.size).toBe(0);
    expect(
      index.match(aLead({ websiteDomain: 'acme.io', company: 'Acme' }), names({ allowNameOnly: true })),
    ).toBeUndefined();
  });
  it('keeps accounts of two CRMs with the same id apart', () => {
    const index = anIndexOf([
      aCrmAccount({ crm: 'hubspot', id: '1', websites: ['a.com'] }),
      aCrmAccount({ crm: 'salesforce', id: '1', websites: ['b.com'] }),
    ]);
    index.remove('hubspot', '1');
    expect(index.match(aLead({ websiteDomain: 'b.com' }))?.account.crm).toBe('salesforce');
    expect(index.match(aLead({ websiteDomain: 'a.com' }))).toBeUndefined();
  });
});

describe('existing people by email', () => {
  it('lists contacts before leads, case-insensitively, and forgets removed ones', () => {
    const index = anIndexOf([]);
    index.setPeople!([
      aPerson({ kind: 'lead', id: 'L1', email: 'jo@acme.com', ownerCrmId: 'u1' }),
      aPerson({ kind: 'contact', id: 'C2', email: 'JO@acme.com', ownerCrmId: 'u2' }),
      aPerson({ kind: 'contact', id: 'C3', email: 'amy@acme.com', ownerCrmId: 'u3' }),
    ]);
    expect(index.findPeople!('Jo@Acme.com').map((p) => p.id)).toEqual(['C2', 'L1']);
    index.removePerson!('salesforce', 'contact', 'C2');
    expect(index.findPeople!('jo@acme.com').map((p) => p.id)).toEqual(['L1']);
    index.upsertPerson!(aPerson({ kind: 'lead', id: 'L1', email: 'new@acme.com' }));
    expect(index.findPeople!('jo@acme.com')).toEqual([]);
  });
});
