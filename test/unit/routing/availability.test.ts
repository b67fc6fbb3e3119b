import { describe, expect, it } from 'vitest';
import { decide, dayKey, openKey, weekKey, type Rep } from '../../../src/routing/index.js';
import { aConfig, aLead, aPool, aRep, at, days, noHistory, weekdaysHours } from '../../builders/index.js';

/** Pool [rep, backup]: returns who got the lead and the reasons about `rep`. */
function route(
  rep: Rep,
  now: Date,
  opts: {
    counters?: Record<string, number>;
    lead?: Parameters<typeof aLead>[0];
    pool?: Partial<Parameters<typeof aPool>[0]>;
  } = {},
) {
  const backup = aRep({ id: 'backup', languages: ['de', 'en'], skills: ['enterprise'] });
  const config = aConfig({ pools: [aPool({ reps: [rep, backup], ...opts.pool })] });
  const d = decide(aLead(opts.lead), config, { cursors: {}, counters: opts.counters ?? {} }, now);
  return {
    owner: d.kind === 'assigned' ? d.ownerId : undefined,
    about: d.reasons.filter((r) => r.repId === rep.id).map((r) => r.code),
  };
}

describe('rep availability', () => {
  it('runs a night shift (end before start) past midnight into the next weekday', () => {
    // Mon 23 Nov 2026, UTC: 22:00 Monday to 06:00 Tuesday; Tuesday 24 Nov is the rep's holiday in the second case.
    const ana = aRep({ id: 'ana', timeZone: 'UTC', workingHours: { mon: ['22:00-06:00'] } });
    expect(route(ana, at('2026-11-23T21:59Z'))).toEqual({ owner: 'backup', about: ['REP_OFF_HOURS'] });
    expect(route(ana, at('2026-11-23T23:00Z')).owner).toBe('ana');
    expect(route(ana, at('2026-11-24T03:00Z')).owner).toBe('ana');
    expect(route(ana, at('2026-11-24T06:00Z'))).toEqual({ owner: 'backup', about: ['REP_OFF_HOURS'] }); // end exclusive
    expect(route(ana, at('2026-11-29T23:00Z')).owner).toBe('backup'); // Sunday night is not Monday's
    const offTuesday = aRep({
      id: 'ana',
      timeZone: 'UTC',
      workingHours: { mon: ['22:00-06:00'] },
      holidays: ['2026-11-24'],
    });
    expect(route(offTuesday, at('2026-11-23T23:00Z')).owner).toBe('ana');
    expect(route(offTuesday, at('2026-11-24T03:00Z')).owner).toBe('backup'); // the part after midnight is Tuesday's
  });

  it('skips a rep who is out of office and says so', () => {
    const ana = aRep({ id: 'ana', away: [days('2026-11-24', '2026-11-26')] });
    expect(route(ana, at('2026-11-25T10:00Z'))).toEqual({ owner: 'backup', about: ['REP_AWAY'] });
    expect(route(ana, at('2026-11-27T10:00Z'))).toEqual({ owner: 'ana', about: ['ROUND_ROBIN_NEXT'] });
  });

  it("reads out-of-office dates in the rep's zone", () => {
    // Berlin is UTC+1 in November: 2026-11-26T23:00Z is already the 27th there, Ana is back.
    const ana = aRep({ id: 'ana', timeZone: 'Europe/Berlin', away: [days('2026-11-24', '2026-11-26')] });
    expect(route(ana, at('2026-11-26T22:59Z')).owner).toBe('backup');
    expect(route(ana, at('2026-11-26T23:00Z')).owner).toBe('ana');
    expect(route(ana, at('2026-11-23T22:59Z')).owner).toBe('ana'); // 23:59 on the 23rd
    expect(route(ana, at('2026-11-23T23:00Z')).owner).toBe('backup'); // 00:00 on the 24th
  });

  it('accepts instants for partial-day time off', () => {
    const ana = aRep({ id: 'ana', away: [{ from: '2026-11-25T12:00:00Z', to: '2026-11-25T14:00:00Z' }] });
    expect(route(ana, at('2026-11-25T13:00Z')).owner).toBe('backup');
    expect(route(ana, at('2026-11-25T14:01Z')).owner).toBe('ana');
  });

  it('skips an inactive rep', () => {
    expect(route(aRep({ id: 'ana', active: false }), at('2026-11-25T10:00Z'))).toEqual({
      owner: 'backup',
      about: ['REP_INACTIVE'],
    });
  });

  it("applies working hours in the rep's zone, including holidays", () => {
    const ana = aRep({
      id: 'ana',
      timeZone: 'Europe/Berlin',
      workingHours: weekdaysHours('09:00-17:00'),
      holidays: ['2026-12-24'],
    });
    expect(route(ana, at('2026-11-25T08:00Z')).owner).toBe('ana'); // Wed 09:00 CET
    expect(route(ana, at('2026-11-25T07:59Z'))).toEqual({ owner: 'backup', about: ['REP_OFF_HOURS'] }); // 08:59
    expect(route(ana, at('2026-11-25T16:00Z')).owner).toBe('backup'); // 17:00: end is exclusive
    expect(route(ana, at('2026-11-28T10:00Z')).owner).toBe('backup'); // Saturday
    expect(route(ana, at('2026-12-24T10:00Z')).owner).toBe('backup'); // holiday
  });

  it('Europe/Berlin in summer time is UTC+2', () => {
    const ana = aRep({ id: 'ana', timeZone: 'Europe/Berlin', workingHours: weekdaysHours('09:00-17:00') });
    expect(route(ana, at('2026-07-01T07:00Z')).owner).toBe('ana');
    expect(route(ana, at('2026-07-01T06:59Z')).owner).toBe('backup');
    // Monday 2026-03-30 is the first weekday after the change (Sun 29 March).
    expect(route(ana, at('2026-03-27T07:59Z')).owner).toBe('backup'); // Fri, CET: 08:59
    expect(route(ana, at('2026-03-30T07:00Z')).owner).toBe('ana'); // Mon, CEST: 09:00
  });

  it('America/New_York on DST change days', () => {
    // Sunday 2026-03-08 02:00 EST -> 03:00 EDT; Sunday 2026-11-01 02:00 EDT -> 01:00 EST.
    const sunday = { sun: ['01:00-04:00'] };
    const ana = aRep({ id: 'ana', timeZone: 'America/New_York', workingHours: sunday });
    expect(route(ana, at('2026-03-08T06:30Z')).owner).toBe('ana'); // 01:30 EST
    expect(route(ana, at('2026-03-08T07:30Z')).owner).toBe('ana'); // 03:30 EDT (02:xx does not exist)
    expect(route(ana, at('2026-03-08T08:00Z')).owner).toBe('backup'); // 04:00 EDT
    expect(route(ana, at('2026-11-01T05:30Z')).owner).toBe('ana'); // 01:30 EDT
    expect(route(ana, at('2026-11-01T06:30Z')).owner).toBe('ana'); // 01:30 EST, again
    expect(route(ana, at('2026-11-01T09:00Z')).owner).toBe('backup'); // 04:00 EST
    const weekday = aRep({ id: 'ana', timeZone: 'America/New_York', workingHours: weekdaysHours('09:00-17:00') });
    expect(route(weekday, at('2026-03-09T13:00Z')).owner).toBe('ana'); // Mon 09:00 EDT
    expect(route(weekday, at('2026-03-06T13:59Z')).owner).toBe('backup'); // Fri 08:59 EST
  });

  it("enforces the day cap in the rep's calendar", () => {
    const ana = aRep({ id: 'ana', timeZone: 'America/Los_Angeles', capPerDay: 3 });
    const now = at('2026-11-25T06:00Z'); // still the 24th in Los Angeles
    expect(route(ana, now, { counters: { [dayKey('ana', '2026-11-24')]: 3 } })).toEqual({
      owner: 'backup',
      about: ['REP_CAP_DAY'],
    });
    expect(route(ana, now, { counters: { [dayKey('ana', '2026-11-25')]: 3 } }).owner).toBe('ana');
  });

  it('enforces the week cap per ISO week and the open ceiling', () => {
    const ana = aRep({ id: 'ana', capPerWeek: 10, maxOpen: 5 });
    const now = at('2026-11-25T10:00Z'); // ISO week 2026-W48
    expect(route(ana, now, { counters: { [weekKey('ana', '2026-W48')]: 10 } })).toEqual({
      owner: 'backup',
      about: ['REP_CAP_WEEK'],
    });
    expect(route(ana, now, { counters: { [weekKey('ana', '2026-W47')]: 10 } }).owner).toBe('ana');
    expect(route(ana, now, { counters: { [openKey('ana')]: 5 } })).toEqual({
      owner: 'backup',
      about: ['REP_OPEN_CEILING'],
    });
  });

  it("requires skills and the lead's language when the pool says so", () => {
    const ana = aRep({ id: 'ana', languages: ['en'], skills: ['smb'] });
    expect(route(ana, at('2026-11-25T10:00Z'), { pool: { requiredSkills: ['Enterprise'] } })).toEqual({
      owner: 'backup',
      about: ['REP_MISSING_SKILL'],
    });
    expect(
      route(ana, at('2026-11-25T10:00Z'), { pool: { requireLanguage: true }, lead: { language: 'de-AT' } }),
    ).toEqual({ owner: 'backup', about: ['REP_MISSING_SKILL'] });
    expect(
      route(ana, at('2026-11-25T10:00Z'), { pool: { requireLanguage: true }, lead: { language: 'en-GB' } }).owner,
    ).toBe('ana');
    expect(route(ana, at('2026-11-25T10:00Z'), { pool: { requireLanguage: true } }).owner).toBe('ana'); // no language on the lead
  });

  it('rule-level skill requirements apply to every candidate', () => {
    const ana = aRep({ id: 'ana' });
    const bo = aRep({ id: 'bo', skills: ['fintech'] });
    const config = aConfig({
      pools: [aPool({ reps: [ana, bo] })],
      rules: [{ id: 'fin', when: { match: 'always' }, requiredSkills: ['fintech'], action: { pool: 'pool' } }],
    });
    const d = decide(aLead(), config, noHistory(), at('2026-11-25T10:00Z'));
    expect(d).toMatchObject({ ownerId: 'bo' });
    expect(d.reasons).toContainEqual({
      code: 'REP_MISSING_SKILL',
      repId: 'ana',
      poolId: 'pool',
      detail: 'skill fintech',
    });
  });
});

describe('top tier', () => {
  const star = aRep({ id: 'star' });
  const junior = aRep({ id: 'junior' });
  const config = (exclusive: boolean) =>
    aConfig({ pools: [aPool({ reps: [star, junior], topTier: { reps: ['star'], minScore: 80, exclusive } })] });

  it('keeps top-tier reps for leads scoring at least the threshold', () => {
    const low = decide(aLead({ score: 40 }), config(false), noHistory(), at('2026-11-25T10:00Z'));
    expect(low).toMatchObject({ ownerId: 'junior' });
    expect(low.reasons).toContainEqual(expect.objectContaining({ code: 'REP_RESERVED_TOP_TIER', repId: 'star' }));
    expect(decide(aLead({}), config(false), noHistory(), at('2026-11-25T10:00Z'))).toMatchObject({ ownerId: 'junior' });
    expect(decide(aLead({ score: 80 }), config(false), noHistory(), at('2026-11-25T10:00Z'))).toMatchObject({
      ownerId: 'star',
    });
  });

  it('exclusive: hot leads go only to the top tier', () => {
    const state = { cursors: { pool: 0 }, counters: {} }; // junior is next in rotation
    const d = decide(aLead({ score: 95 }), config(true), state, at('2026-11-25T10:00Z'));
    expect(d).toMatchObject({ ownerId: 'star' });
    expect(d.reasons).toContainEqual(expect.objectContaining({ code: 'REP_NOT_TOP_TIER', repId: 'junior' }));
  });
});
