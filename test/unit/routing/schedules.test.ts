// Availability beyond the weekly hours: end-exclusive boundaries, date overrides, shared
// schedules and holiday calendars, the pool's assignAnyway, and the API status overlaid on the
// config. All pure decide(): who got the lead and which reasons the trace gives.
import { describe, expect, it } from 'vitest';
import {
  decide,
  explainDecision,
  routingConfigSchema,
  slaDeadline,
  validateRoutingConfig,
  type Decision,
  type RepStatus,
  type RoutingConfig,
  type RoutingConfigInput,
} from '../../../src/routing/index.js';
import { aConfig, aLead, aPool, aRep, applyStateChange, at, noHistory, weekdaysHours } from '../../builders/index.js';

const owner = (d: Decision) => (d.kind === 'assigned' ? d.ownerId : d.code);
const about = (d: Decision, repId: string) => d.reasons.filter((r) => r.repId === repId).map((r) => r.code);
const route = (config: RoutingConfig, iso: string, availability?: Record<string, RepStatus>) =>
  decide(aLead(), config, { cursors: {}, counters: {}, ...(availability && { availability }) }, at(iso));

/** Pool [ana, backup]; backup is always available, so the owner says whether ana could take it. */
function withBackup(ana: ReturnType<typeof aRep>, extra: Partial<Parameters<typeof aConfig>[0]> = {}) {
  return aConfig({ pools: [aPool({ reps: [ana, aRep({ id: 'backup' })] })], ...extra });
}

describe('boundaries: every end is exclusive, every start inclusive', () => {
  const hours = withBackup(aRep({ id: 'ana', timeZone: 'UTC', workingHours: weekdaysHours('09:00-17:00') }));
  const away = withBackup(
    aRep({ id: 'ana', away: [{ from: '2026-11-25T12:00:00Z', to: '2026-11-25T12:30:00Z', note: 'dentist' }] }),
  );
  const awayDays = withBackup(aRep({ id: 'ana', timeZone: 'UTC', away: [{ from: '2026-11-24', to: '2026-11-26' }] }));
  it.each([
    ['working hours start', '2026-11-25T08:59:59.999Z', 'backup', hours],
    ['working hours start', '2026-11-25T09:00:00.000Z', 'ana', hours],
    ['working hours end', '2026-11-25T16:59:59.999Z', 'ana', hours],
    ['working hours end', '2026-11-25T17:00:00.000Z', 'backup', hours],
    ['away start (instant)', '2026-11-25T11:59:59.999Z', 'ana', away],
    ['away start (instant)', '2026-11-25T12:00:00.000Z', 'backup', away],
    ['away end (instant)', '2026-11-25T12:29:59.999Z', 'backup', away],
    ['away end (instant)', '2026-11-25T12:30:00.000Z', 'ana', away],
    ['away start (date)', '2026-11-23T23:59:59.999Z', 'ana', awayDays],
    ['away start (date)', '2026-11-24T00:00:00.000Z', 'backup', awayDays],
    ['away end (date: the whole day)', '2026-11-26T23:59:59.999Z', 'backup', awayDays],
    ['away end (date: the whole day)', '2026-11-27T00:00:00.000Z', 'ana', awayDays],
  ])('%s at %s', (_name, iso, expected, config) => {
    const d = route(config as RoutingConfig, iso as string);
    expect(owner(d)).toBe(expected);
    if (expected === 'backup') expect(about(d, 'ana')).toEqual([config === hours ? 'REP_OFF_HOURS' : 'REP_AWAY']);
  });

  it('names the time off in the trace', () => {
    expect(route(away, '2026-11-25T12:10:00Z').reasons).toContainEqual({
      code: 'REP_AWAY',
      repId: 'ana',
      poolId: 'pool',
      detail: '2026-11-25T12:00:00Z..2026-11-25T12:30:00Z (dentist)',
    });
  });
});

describe('date overrides', () => {
  // Thu 2026-12-24 shortened, Sat 2026-12-19 worked, Mon 2026-12-21 two extra evening hours, Tue 2026-12-22 off.
  const ana = aRep({
    id: 'ana',
    timeZone: 'Europe/Berlin',
    workingHours: weekdaysHours('09:00-17:00'),
    holidays: ['2026-12-31'],
    overrides: [
      { date: '2026-12-24', hours: ['09:00-12:00'], note: 'Christmas Eve' },
      { date: '2026-12-19', hours: ['10:00-14:00'] },
      { date: '2026-12-21', extraHours: ['18:00-20:00'] },
      { date: '2026-12-22', hours: [] },
      { date: '2026-12-31', hours: ['09:00-11:00'] },
    ],
  });
  const config = withBackup(ana);
  it.each([
    ['shortened day, before the new end', '2026-12-24T10:59:00Z', 'ana'], // 11:59 CET
    ['shortened day, at the new end', '2026-12-24T11:00:00Z', 'backup'], // 12:00 CET
    ['extra Saturday', '2026-12-19T09:00:00Z', 'ana'], // 10:00 CET
    ['extra Saturday, after it', '2026-12-19T13:00:00Z', 'backup'], // 14:00 CET
    ['usual hours on an extra-hours day', '2026-12-21T15:00:00Z', 'ana'], // 16:00
    ['gap between usual and extra hours', '2026-12-21T16:30:00Z', 'backup'], // 17:30
    ['extra hours', '2026-12-21T17:00:00Z', 'ana'], // 18:00
    ['extra hours end', '2026-12-21T19:00:00Z', 'backup'], // 20:00
    ['day off by override', '2026-12-22T10:00:00Z', 'backup'],
    ['override wins over the rep holiday', '2026-12-31T08:30:00Z', 'ana'], // 09:30
    ['holiday outside the override hours', '2026-12-31T10:30:00Z', 'backup'], // 11:30
    ['an ordinary day is untouched', '2026-12-23T10:00:00Z', 'ana'],
  ])('%s', (_name, iso, expected) => {
    expect(owner(route(config, iso))).toBe(expected);
  });

  it('says the override made the difference', () => {
    const d = route(config, '2026-12-24T11:00:00Z');
    expect(d.reasons).toContainEqual({
      code: 'REP_OFF_HOURS',
      repId: 'ana',
      poolId: 'pool',
      detail: 'thu 12:00 local is outside working hours on 2026-12-24 (override)',
    });
  });
});

describe('shared schedules and holiday calendars', () => {
  const schedules = [
    {
      id: 'office',
      workingHours: weekdaysHours('09:00-17:00'),
      overrides: [{ date: '2026-12-24', hours: ['09:00-13:00'] }],
    },
  ];
  const holidayCalendars = [
    { id: 'de', region: 'DE', dates: [{ date: '2026-12-25', name: 'Christmas Day' }, '2026-12-26'] },
    { id: 'us', region: 'US', dates: ['2026-11-26'] },
  ];
  const berlin = aRep({ id: 'berlin', timeZone: 'Europe/Berlin', schedule: 'office', holidayCalendars: ['de'] });
  const ny = aRep({
    id: 'ny',
    timeZone: 'America/New_York',
    schedule: 'office',
    holidayCalendars: ['us'],
    overrides: [{ date: '2026-12-24', hours: ['09:00-17:00'] }],
  });
  const config = aConfig({
    pools: [aPool({ reps: [berlin, ny], strategy: 'least_loaded' })],
    schedules,
    holidayCalendars,
  });

  it("reads one schedule in each rep's own zone", () => {
    expect(owner(route(config, '2026-11-25T08:00:00Z'))).toBe('berlin'); // 09:00 Berlin, 03:00 NY
    const d = route(config, '2026-11-25T17:00:00Z'); // 18:00 Berlin, 12:00 NY
    expect(owner(d)).toBe('ny');
    expect(about(d, 'berlin')).toEqual(['REP_OFF_HOURS']);
  });

  it("applies the schedule's overrides, and a rep's own override of the same date wins", () => {
    // 24 Dec 13:30 Berlin (12:30Z): the office closed at 13:00. 15:00 NY (20:00Z): ny overrode it back to 17:00.
    expect(about(route(config, '2026-12-24T12:30:00Z'), 'berlin')).toEqual(['REP_OFF_HOURS']);
    expect(owner(route(config, '2026-12-24T20:00:00Z'))).toBe('ny');
  });

  it('takes holidays from the calendars a rep names, and names the calendar', () => {
    const d = route(config, '2026-12-25T14:00:00Z'); // Fri 15:00 Berlin, 09:00 NY
    expect(owner(d)).toBe('ny');
    expect(d.reasons).toContainEqual({
      code: 'REP_HOLIDAY',
      repId: 'berlin',
      poolId: 'pool',
      detail: 'holiday 2026-12-25 (Christmas Day, calendar de)',
    });
    const thanksgiving = route(config, '2026-11-26T15:00:00Z'); // Thu 16:00 Berlin, 10:00 NY
    expect(owner(thanksgiving)).toBe('berlin');
    expect(thanksgiving.reasons).toContainEqual({
      code: 'REP_HOLIDAY',
      repId: 'ny',
      poolId: 'pool',
      detail: 'holiday 2026-11-26 (calendar us)',
    });
  });
});

describe('assignAnyway (a pool option, never the default)', () => {
  const night = (
    extra: Partial<Parameters<typeof aPool>[0]> = {},
    reps = [aRep({ id: 'ana', workingHours: weekdaysHours() }), aRep({ id: 'bo', workingHours: weekdaysHours() })],
  ) => aConfig({ pools: [aPool({ reps, ...extra })] });

  it('without it, nobody available means POOL_EXHAUSTED', () => {
    expect(owner(route(night(), '2026-11-25T22:00:00Z'))).toBe('POOL_EXHAUSTED');
  });

  it('with it, the strategy picks anyway, with its own code, and rotation moves as usual', () => {
    const config = night({ assignAnyway: {} });
    const state = noHistory();
    const first = decide(aLead(), config, state, at('2026-11-25T22:00:00Z'));
    expect(first).toMatchObject({ kind: 'assigned', ownerId: 'ana', code: 'ASSIGNED_ANYWAY', poolId: 'pool' });
    applyStateChange(state, first.stateChange);
    const d = decide(aLead(), config, state, at('2026-11-25T22:05:00Z'));
    expect(d).toMatchObject({ kind: 'assigned', ownerId: 'bo', code: 'ASSIGNED_ANYWAY', poolId: 'pool' });
    expect(d.reasons.map((r) => r.code)).toEqual([
      'RULE_MATCHED',
      'REP_OFF_HOURS',
      'REP_OFF_HOURS',
      'POOL_EMPTY_HANDED',
      'ASSIGNED_ANYWAY',
      'ROUND_ROBIN_NEXT',
      'ASSIGNED_ANYWAY',
    ]);
    expect(explainDecision(d)).toContain('ASSIGNED_ANYWAY');
  });

  it('tries the overflow chain first', () => {
    const config = aConfig({
      pools: [
        aPool({
          reps: [aRep({ id: 'ana', workingHours: weekdaysHours() })],
          assignAnyway: {},
          overflow: [{ rep: 'sdr' }],
        }),
      ],
      reps: [aRep({ id: 'sdr' })],
    });
    expect(route(config, '2026-11-25T22:00:00Z')).toMatchObject({ ownerId: 'sdr', code: 'NAMED_REP' });
  });

  it('holidays still win unless the pool lists them', () => {
    const reps = [
      aRep({ id: 'ana', workingHours: weekdaysHours(), holidays: ['2026-12-24'] }),
      aRep({ id: 'bo', workingHours: weekdaysHours(), holidays: ['2026-12-24'] }),
    ];
    expect(owner(route(night({ assignAnyway: {} }, reps), '2026-12-24T10:00:00Z'))).toBe('POOL_EXHAUSTED');
    const d = route(
      night({ assignAnyway: { ignore: ['off_hours', 'away', 'holiday'] } }, reps),
      '2026-12-24T10:00:00Z',
    );
    expect(d).toMatchObject({ ownerId: 'ana', code: 'ASSIGNED_ANYWAY' });
  });

  it('away only when listed, and never past inactive reps or caps', () => {
    const reps = [
      aRep({ id: 'ana', away: [{ from: '2026-11-01', to: '2026-11-30' }] }),
      aRep({ id: 'bo', workingHours: weekdaysHours(), capPerDay: 0 }),
      aRep({ id: 'cy', active: false }),
    ];
    expect(owner(route(night({ assignAnyway: { ignore: ['off_hours'] } }, reps), '2026-11-25T22:00:00Z'))).toBe(
      'POOL_EXHAUSTED',
    );
    expect(owner(route(night({ assignAnyway: { ignore: ['away'] } }, reps), '2026-11-25T22:00:00Z'))).toBe('ana');
  });

  it('applies only to the pool the rule named, not to one reached by overflow', () => {
    const offHours = aRep({ id: 'ana', workingHours: weekdaysHours() });
    const config = aConfig({
      pools: [
        aPool({ id: 'front', reps: [aRep({ id: 'bo', workingHours: weekdaysHours() })], overflow: [{ pool: 'back' }] }),
        aPool({ id: 'back', reps: [offHours], assignAnyway: {} }),
      ],
    });
    expect(owner(route(config, '2026-11-25T22:00:00Z'))).toBe('POOL_EXHAUSTED');
  });
});

describe('availability set through the API (RoutingState.availability)', () => {
  const config = withBackup(
    aRep({
      id: 'ana',
      timeZone: 'UTC',
      away: [
        { from: '2026-11-24', to: '2026-11-26', note: 'trip' },
        { from: '2026-11-28', to: '2026-11-29' },
      ],
    }),
  );

  it('away without an end: skipped from `since` on, until marked back', () => {
    const status: RepStatus = { status: 'away', since: '2026-11-20T10:00:00Z', by: 'editor:1a2b3c4d', note: 'sick' };
    expect(owner(route(config, '2026-11-20T09:59:59Z', { ana: status }))).toBe('ana');
    const d = route(config, '2026-11-20T10:00:00Z', { ana: status });
    expect(owner(d)).toBe('backup');
    expect(d.reasons).toContainEqual({
      code: 'REP_AWAY',
      repId: 'ana',
      poolId: 'pool',
      detail: 'marked away since 2026-11-20T10:00:00Z by editor:1a2b3c4d (sick)',
    });
    expect(d.trace.availability).toEqual({ ana: status });
    expect(explainDecision(d)).toContain('ana: away since 2026-11-20T10:00:00Z by editor:1a2b3c4d (sick)');
  });

  it('away until an instant: available again at that instant exactly', () => {
    const status: RepStatus = { status: 'away', since: '2026-11-20T10:00:00Z', until: '2026-11-20T12:30:00Z' };
    expect(owner(route(config, '2026-11-20T12:29:59.999Z', { ana: status }))).toBe('backup');
    const back = route(config, '2026-11-20T12:30:00Z', { ana: status });
    expect(owner(back)).toBe('ana');
    expect(back.trace.availability).toBeUndefined(); // no longer in effect
  });

  it('back ends the config time off that was running, not time off still to come', () => {
    const status: RepStatus = { status: 'back', since: '2026-11-25T09:00:00Z' };
    expect(owner(route(config, '2026-11-25T08:00:00Z', { ana: status }))).toBe('backup'); // before she said so
    const cut = route(config, '2026-11-25T09:00:00Z', { ana: status });
    expect(owner(cut)).toBe('ana');
    expect(cut.trace.availability).toEqual({ ana: status }); // the status made the difference
    const nextTrip = route(config, '2026-11-28T09:00:00Z', { ana: status });
    expect(owner(nextTrip)).toBe('backup');
    expect(nextTrip.trace.availability).toBeUndefined();
  });

  it("another rep's status changes nothing for this one", () => {
    const d = route(config, '2026-11-20T10:00:00Z', { backup: { status: 'away', since: '2026-11-19T00:00:00Z' } });
    expect(owner(d)).toBe('ana');
    expect(d.trace.availability).toBeUndefined(); // backup was never considered
  });
});

describe('validation of schedules, calendars and overrides', () => {
  const base = (): RoutingConfigInput => ({
    schedules: [{ id: 'emea-office', workingHours: weekdaysHours() }],
    holidayCalendars: [{ id: 'de-by', region: 'DE-BY', dates: ['2026-12-25'] }],
    reps: [{ id: 'ana', crmIds: { hubspot: 'h1' }, schedule: 'emea-office', holidayCalendars: ['de-by'] }],
    pools: [{ id: 'p', strategy: 'round_robin', members: ['ana'] }],
    rules: [{ id: 'all', when: { match: 'always' }, action: { pool: 'p' } }],
  });
  const semantic = (input: RoutingConfigInput) => validateRoutingConfig(routingConfigSchema.parse(input));
  const zodIssues = (input: unknown) => {
    const r = routingConfigSchema.safeParse(input);
    return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  };

  it('accepts the base config', () => {
    expect(semantic(base())).toEqual([]);
  });

  it('names unknown schedule and calendar ids with a did-you-mean', () => {
    const c = base();
    c.reps[0] = { ...c.reps[0]!, schedule: 'emea-ofice', holidayCalendars: ['de-bw'] };
    expect(semantic(c)).toEqual([
      {
        path: 'routing.reps[0].schedule',
        message: 'schedule "emea-ofice" does not exist; did you mean "emea-office"?',
      },
      {
        path: 'routing.reps[0].holidayCalendars[0]',
        message: 'holiday calendar "de-bw" does not exist; did you mean "de-by"?',
      },
    ]);
  });

  it('refuses hours given twice, duplicate ids and two overrides of one date', () => {
    const c = base();
    c.reps[0] = {
      ...c.reps[0]!,
      workingHours: weekdaysHours(),
      overrides: [
        { date: '2026-12-24', hours: [] },
        { date: '2026-12-24', extraHours: ['18:00-19:00'] },
      ],
    };
    c.schedules = [...c.schedules!, { id: 'emea-office', workingHours: {} }];
    expect(semantic(c)).toEqual([
      { path: 'routing.schedules[1].id', message: 'duplicate schedule id "emea-office" (first at index 0)' },
      { path: 'routing.reps[0].schedule', message: 'give either workingHours or a schedule, not both' },
      { path: 'routing.reps[0].overrides[1].date', message: 'duplicate override date "2026-12-24" (first at index 0)' },
    ]);
  });

  it('schema errors carry their paths', () => {
    const c = base();
    c.reps[0] = {
      ...c.reps[0]!,
      overrides: [
        { date: '2026-12-24', hours: ['22:00-02:00'] },
        { date: '2026-12-25' },
        { date: '24.12.2026', hours: [] },
      ],
    };
    c.holidayCalendars = [{ id: 'de', region: 'Bavaria', dates: [] }];
    expect(zodIssues(c)).toEqual([
      {
        path: 'reps.0.overrides.0.hours.0',
        message: 'an override span ends on its own date: use an end after the start, or 24:00',
      },
      {
        path: 'reps.0.overrides.1.hours',
        message: 'give either hours (instead of the usual hours) or extraHours (on top of them)',
      },
      { path: 'reps.0.overrides.2.date', message: 'use YYYY-MM-DD' },
      { path: 'holidayCalendars.0.region', message: 'an ISO 3166 code like DE or DE-BY' },
      { path: 'holidayCalendars.0.dates', message: 'Too small: expected array to have >=1 items' },
    ]);
  });

  it('assignAnyway lists only what can be waived', () => {
    const c = base();
    c.pools = [{ id: 'p', strategy: 'round_robin', members: ['ana'], assignAnyway: { ignore: ['caps' as never] } }];
    expect(zodIssues(c).map((i) => i.path)).toEqual(['pools.0.assignAnyway.ignore.0']);
  });
});

describe('SLA working minutes follow the same schedule', () => {
  it("uses the shared schedule, its calendar and the rep's overrides", () => {
    const config = aConfig({
      reps: [
        aRep({
          id: 'ana',
          timeZone: 'UTC',
          schedule: 'office',
          holidayCalendars: ['us'],
          overrides: [{ date: '2026-11-27', hours: ['09:00-10:00'] }],
        }),
      ],
      schedules: [{ id: 'office', workingHours: weekdaysHours('09:00-17:00') }],
      holidayCalendars: [{ id: 'us', dates: ['2026-11-26'] }],
      pools: [aPool({ members: ['ana'] })],
    });
    const rep = config.reps[0]!;
    // Wed 16:30: 30 minutes that day; Thu is a holiday; Fri has one hour; the rest on Monday.
    expect(slaDeadline(at('2026-11-25T16:30:00Z'), 60, rep, true, config).toISOString()).toBe(
      '2026-11-27T09:30:00.000Z',
    );
    expect(slaDeadline(at('2026-11-25T16:30:00Z'), 120, rep, true, config).toISOString()).toBe(
      '2026-11-30T09:30:00.000Z',
    );
  });
});
