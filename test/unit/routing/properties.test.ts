// Property: whatever the config, state and time, a decision never hands a lead to a rep who is
// inactive, away, off hours, over a cap or ceiling, or missing a required skill or language.
// The oracle below recomputes local time with its own Intl call, independent of local-time.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide, stateKeys, type Rep, type RoutingConfig } from '../../../src/routing/index.js';
import { aConfig, aLead, aPool, aRep, anAccount } from '../../builders/index.js';

const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney'];
const skills = ['enterprise', 'fintech', 'smb'];
const langs = ['de', 'en', 'fr'];
const dayNames = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

const span = fc
  .tuple(fc.integer({ min: 0, max: 22 }), fc.integer({ min: 1, max: 16 }))
  .map(([h, len]) => `${String(h).padStart(2, '0')}:00-${String(Math.min(24, h + len)).padStart(2, '0')}:00`);
const hours = fc.dictionary(fc.constantFrom(...dayNames), fc.array(span, { maxLength: 2 }), { maxKeys: 7 });
const nowArb = fc
  .integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2026, 11, 31) })
  .map((ms) => new Date(ms - (ms % 60_000)));

function localParts(now: Date, tz: string) {
  const s = now.toLocaleString('sv-SE', { timeZone: tz, hourCycle: 'h23' }); // "2026-03-08 03:30:00"
  const date = s.slice(0, 10);
  const weekday = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
  return { date, weekday, minute: Number(s.slice(11, 13)) * 60 + Number(s.slice(14, 16)) };
}

function repArb(id: string, nowMs: number) {
  return fc
    .record({
      active: fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 }),
      timeZone: fc.constantFrom(...zones),
      workingHours: fc.option(hours, { nil: undefined, freq: 2 }),
      awayOffsetDays: fc.option(fc.tuple(fc.integer({ min: -3, max: 1 }), fc.integer({ min: 0, max: 3 })), {
        nil: undefined,
      }),
      skills: fc.subarray(skills),
      languages: fc.subarray(langs),
      capPerDay: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined, freq: 2 }),
      capPerWeek: fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined, freq: 2 }),
      maxOpen: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined, freq: 2 }),
      weight: fc.integer({ min: 0, max: 3 }),
    })
    .map(({ awayOffsetDays, workingHours, ...r }) => {
      const iso = (offset: number) => new Date(nowMs + offset * 86_400_000).toISOString().slice(0, 10);
      const away = awayOffsetDays
        ? [{ from: iso(awayOffsetDays[0]), to: iso(awayOffsetDays[0] + awayOffsetDays[1]) }]
        : [];
      return aRep({ id, ...r, away, ...(workingHours ? { workingHours } : {}) });
    });
}

const scenario = nowArb.chain((now) =>
  fc.record({
    now: fc.constant(now),
    reps: fc.tuple(...['r0', 'r1', 'r2', 'r3', 'r4'].map((id) => repArb(id, now.getTime()))),
    strategy: fc.constantFrom('round_robin' as const, 'weighted_round_robin' as const, 'least_loaded' as const),
    poolSkills: fc.subarray(skills, { maxLength: 1 }),
    ruleSkills: fc.subarray(skills, { maxLength: 1 }),
    requireLanguage: fc.boolean(),
    action: fc.constantFrom('pool', 'rep', 'account'),
    sticky: fc.boolean(),
    counters: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 15, maxLength: 15 }),
    cursor: fc.integer({ min: -1, max: 6 }),
    lead: fc.record({
      language: fc.option(fc.constantFrom(...langs, 'de-AT'), { nil: undefined }),
      score: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
      websiteDomain: fc.option(fc.constant('acme.com'), { nil: undefined }),
      currentOwnerId: fc.option(fc.constantFrom('hs-r0', 'hs-r3'), { nil: undefined }),
    }),
  }),
);

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

/** Which rules of availability the chosen rep breaks, recomputed from the scenario. */
function violations(rep: Rep, s: Scenario, viaPool: boolean): string[] {
  const out: string[] = [];
  const local = localParts(s.now, rep.timeZone);
  if (!rep.active) out.push('inactive');
  if (rep.away.some((a) => a.from <= local.date && local.date <= a.to)) out.push('away');
  if (rep.workingHours) {
    const spans = rep.workingHours[dayNames[local.weekday]!] ?? [];
    const on = spans.some(
      (x) => local.minute >= Number(x.slice(0, 2)) * 60 && local.minute < Number(x.slice(6, 8)) * 60,
    );
    if (!on) out.push('off hours');
  }
  const idx = Number(rep.id.slice(1));
  const [day, week, open] = [s.counters[idx * 3]!, s.counters[idx * 3 + 1]!, s.counters[idx * 3 + 2]!];
  if (rep.capPerDay !== undefined && day >= rep.capPerDay) out.push('day cap');
  if (rep.capPerWeek !== undefined && week >= rep.capPerWeek) out.push('week cap');
  if (rep.maxOpen !== undefined && open >= rep.maxOpen) out.push('open ceiling');
  const needed = [...s.ruleSkills, ...(viaPool ? s.poolSkills : [])];
  for (const k of needed) if (!rep.skills.includes(k)) out.push(`skill ${k}`);
  const lang = s.lead.language?.slice(0, 2);
  if (viaPool && s.requireLanguage && lang && !rep.languages.includes(lang)) out.push('language');
  return out;
}

describe('availability properties', () => {
  it('never assigns a rep who is inactive, away, off hours, over a cap or missing a skill', () => {
    let assigned = 0;
    const codes = new Set<string>();
    fc.assert(
      fc.property(scenario, (s) => {
        const pool = aPool({
          id: 'p',
          strategy: s.strategy,
          reps: s.reps,
          requiredSkills: s.poolSkills,
          requireLanguage: s.requireLanguage,
          overflow: [{ rep: 'r4' }],
        });
        const action =
          s.action === 'pool'
            ? { pool: 'p' }
            : s.action === 'rep'
              ? { rep: 'r2', fallback: { pool: 'p' } }
              : { accountOwner: true as const, fallback: { pool: 'p' } };
        const config = aConfig({
          pools: [pool],
          accounts: [anAccount({ id: 'acme', domains: ['acme.com'], owner: 'r1' })],
          rules: [{ id: 'r', when: { match: 'always' }, stickyOwner: s.sticky, requiredSkills: s.ruleSkills, action }],
        });
        // Day and open keys are built here from the oracle's local date; the ISO week key is taken
        // from stateKeys (its week arithmetic has its own tests in availability.test.ts).
        const keys = stateKeys(config, s.now).counters;
        const counters: Record<string, number> = {};
        for (const rep of s.reps) {
          const idx = Number(rep.id.slice(1));
          counters[`rep:${rep.id}:day:${localParts(s.now, rep.timeZone).date}`] = s.counters[idx * 3]!;
          counters[keys.find((k) => k.startsWith(`rep:${rep.id}:week:`))!] = s.counters[idx * 3 + 1]!;
          counters[`rep:${rep.id}:open`] = s.counters[idx * 3 + 2]!;
        }
        const d = decide(aLead(s.lead), config, { cursors: { p: s.cursor }, counters }, s.now);
        if (d.kind !== 'assigned') return true;
        assigned += 1;
        codes.add(d.code);
        const rep = config.reps.find((r) => r.id === d.ownerId)!;
        const viaPool =
          d.poolId === 'p' && ['ROUND_ROBIN_NEXT', 'WEIGHTED_HIGHEST_CREDIT', 'LEAST_LOADED'].includes(d.code);
        expect({ owner: d.ownerId, code: d.code, violations: violations(rep, s, viaPool) }).toEqual({
          owner: d.ownerId,
          code: d.code,
          violations: [],
        });
        return true;
      }),
      { numRuns: 1000 },
    );
    // The property is only worth something if leads do get assigned, by every path.
    expect(assigned).toBeGreaterThan(100);
    expect([...codes].sort()).toEqual([
      'ACCOUNT_OWNER',
      'LEAST_LOADED',
      'NAMED_REP',
      'ROUND_ROBIN_NEXT',
      'STICKY_OWNER',
      'WEIGHTED_HIGHEST_CREDIT',
    ]);
  });
});
