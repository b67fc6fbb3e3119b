// The compact index's own bookkeeping: a removed account's slot is reused by the next new
// account without the old one's domain, subdomain host or name pointing at it, and the trigram
// search leaves its shared candidate counts clean (after a lookup cut off as too common too).
import { describe, expect, it } from 'vitest';
import { defaultMatchOptions } from '../../../src/accounts/index.js';
import { TrigramIndex } from '../../../src/accounts/trigrams.js';
import { aCrmAccount, aLead, anIndexOf } from '../../builders/index.js';

const nameOnly = { ...defaultMatchOptions, names: { ...defaultMatchOptions.names, allowNameOnly: true } };

describe('slots', () => {
  it('a slot freed by a removal serves a new account; nothing of the old one matches it', () => {
    const index = anIndexOf([
      aCrmAccount({ id: 'old', name: 'Initech', websites: ['initech.com', 'eu.initrode.com'], ownerCrmId: 'u1' }),
      aCrmAccount({ id: 'keep', name: 'Globex', websites: ['globex.com'], ownerCrmId: 'u2' }),
    ]);
    index.remove('salesforce', 'old');
    index.upsert(aCrmAccount({ id: 'new', name: 'Hooli', websites: ['hooli.com'], ownerCrmId: 'u3' }));
    expect(index.size).toBe(2);
    expect(index.match(aLead({ websiteDomain: 'initech.com' }))).toBeUndefined();
    expect(index.match(aLead({ websiteDomain: 'eu.initrode.com' }))).toBeUndefined();
    expect(index.match(aLead({ company: 'Initech', emailDomain: 'gmail.com' }), nameOnly)).toBeUndefined();
    expect(index.match(aLead({ websiteDomain: 'hooli.com' }))).toMatchObject({ account: { id: 'new' } });
    expect(index.match(aLead({ company: 'Hooli Inc' }), nameOnly)).toMatchObject({
      account: { id: 'new', ownerCrmId: 'u3' },
      method: 'name',
    });
    expect(index.match(aLead({ websiteDomain: 'globex.com' }))).toMatchObject({ account: { id: 'keep' } });
  });
});

describe('trigram search', () => {
  const all = () => true;

  it('scores the same before and after a search cut off as too common', () => {
    const index = new TrigramIndex();
    const texts = ['acme analytics', 'acme analytic', 'acme', 'acme labs', 'acme labz', 'acne analytics'];
    texts.forEach((t, id) => index.add(id, t));
    const first = index.search('acme analytics', 0.5, all, 100);
    expect(first.map((h) => h.id)).toEqual([0, 1, 5]);
    expect(first[0]!.score).toBe(1);
    // Three candidates allowed: 'acme' trigrams name more, so this lookup gets none...
    expect(index.search('acme labs', 0.3, all, 3)).toEqual([]);
    // ...and leaves no count behind for the next one.
    expect(index.search('acme analytics', 0.5, all, 100)).toEqual(first);
    expect(index.search('acme labs', 0.3, all, 100).map((h) => h.id)).toEqual([3, 4, 2]);
  });
});
