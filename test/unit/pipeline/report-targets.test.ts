// The fair target of the distribution report (docs/reports.md): weight x availability, normalised.
import { describe, expect, it } from 'vitest';
import { availableFraction, poolTargets } from '../../../src/pipeline/report-targets.js';
import { routingConfigSchema, type RoutingConfigInput } from '../../../src/routing/index.js';

const day = 86_400_000;
const from = Date.parse('2026-11-01T00:00:00Z');
const week = { from: new Date(from), to: new Date(from + 7 * day) };

const config = (input: Partial<RoutingConfigInput>) =>
  routingConfigSchema.parse({
    reps: [{ id: 'ana' }, { id: 'bo' }, { id: 'cy' }],
    rules: [{ id: 'all', when: { match: 'always' }, action: { pool: 'p' } }],
    pools: [{ id: 'p', strategy: 'round_robin', members: ['ana', 'bo', 'cy'] }],
    ...input,
  });

describe('availableFraction', () => {
  it('counts overlapping away ranges once and clips them to the period', () => {
    const away: Array<[number, number]> = [
      [from - day, from + day],
      [from + 12 * 3_600_000, from + 2 * day],
      [from + 6 * day, from + 9 * day],
    ];
    expect(availableFraction(away, from, from + 7 * day)).toBeCloseTo(4 / 7, 10);
    expect(availableFraction([], from, from + 7 * day)).toBe(1);
  });
});

describe('poolTargets', () => {
  it('splits by weight in a weighted pool, equally in others, scaled by time away', () => {
    const c = config({
      reps: [
        { id: 'ana', weight: 2 },
        { id: 'bo', away: [{ from: '2026-11-01', to: '2026-11-01' }] },
        { id: 'cy', active: false },
      ],
      pools: [{ id: 'p', strategy: 'weighted_round_robin', members: ['ana', 'bo', 'cy'], weights: { bo: 1 } }],
    });
    const rows = poolTargets(
      c,
      c.pools[0]!,
      new Map([
        ['ana', 10],
        ['bo', 3],
        ['cy', 0],
      ]),
      [],
      week,
    );
    // shares: ana 2 x 1, bo 1 x 6/7, cy inactive 0 -> 13 leads x 14/20, 6/20.
    expect(rows).toEqual([
      { rep: 'ana', leads: 10, weight: 2, availability: 1, target: 9.1, shortfall: -0.9 },
      { rep: 'bo', leads: 3, weight: 1, availability: 0.86, target: 3.9, shortfall: 0.9 },
      { rep: 'cy', leads: 0, weight: 1, availability: 0, target: 0, shortfall: 0 },
    ]);
  });

  it("follows the API's away/back history and lists a non-member who got leads with no target", () => {
    const c = config({});
    const changes = [
      { repId: 'bo', status: 'away', awayUntil: null, changedAt: new Date(from + day) },
      { repId: 'bo', status: 'back', awayUntil: null, changedAt: new Date(from + 4 * day) },
    ];
    const rows = poolTargets(
      c,
      c.pools[0]!,
      new Map([
        ['ana', 4],
        ['dan', 2],
      ]),
      changes,
      week,
    );
    // bo away 3 of 7 days: shares 1, 4/7, 1 over 6 leads -> 6 x 7/18, 4/18, 7/18.
    expect(rows.map((r) => [r.rep, r.availability, r.target, r.shortfall])).toEqual([
      ['ana', 1, 2.33, -1.67],
      ['bo', 0.57, 1.33, 1.33],
      ['cy', 1, 2.33, 2.33],
      ['dan', 0, 0, -2],
    ]);
  });
});
