// Fairness properties over random availability patterns (fast-check):
//  - round robin: over ANY window of consecutive leads, every two always-available members'
//    counts differ by at most 1, whoever else comes and goes (away, capped, added, removed);
//  - weighted: within each counting period, every prefix keeps each member within 1 lead of
//    its exact share, fractional weights included.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide, type Rep } from '../../../src/routing/index.js';
import { aConfig, aLead, aPool, aRep, applyStateChange, noHistory } from '../../builders/index.js';

const start = Date.UTC(2026, 10, 25, 10);
const ids = ['m0', 'm1', 'm2', 'm3', 'm4', 'm5'];

/** Member i at step t: available, away, or not in the pool at all this config version. */
type Presence = 'on' | 'away' | 'gone';

const scenario = fc.record({
  always: fc.integer({ min: 2, max: 4 }), // the first `always` members are always available and always in the pool
  order: fc.shuffledSubarray(ids, { minLength: 6, maxLength: 6 }),
  steps: fc.array(fc.array(fc.constantFrom<Presence>('on', 'on', 'away', 'gone'), { minLength: 6, maxLength: 6 }), {
    minLength: 20,
    maxLength: 60,
  }),
  strategy: fc.constantFrom('round_robin' as const, 'least_recently_assigned' as const),
});

describe('round robin fairness over random availability', () => {
  it('always-available members differ by at most 1 over any window of consecutive leads', () => {
    fc.assert(
      fc.property(scenario, ({ always, order, steps, strategy }) => {
        const steady = new Set(order.slice(0, always));
        const state = noHistory();
        const winners: string[] = [];
        steps.forEach((presence, t) => {
          const reps: Rep[] = [];
          order.forEach((id, i) => {
            const p = steady.has(id) ? 'on' : presence[i]!;
            if (p === 'gone') return;
            reps.push(aRep({ id, ...(p === 'away' ? { away: [{ from: '2026-11-25', to: '2026-11-25' }] } : {}) }));
          });
          // Pool order is the shuffled order filtered: members come, go and come back between versions.
          const config = aConfig({ pools: [aPool({ strategy, reps })] });
          const d = decide(aLead(), config, state, new Date(start + t * 60_000));
          applyStateChange(state, d.stateChange);
          if (d.kind === 'assigned') winners.push(d.ownerId);
        });
        const members = [...steady];
        for (let from = 0; from < winners.length; from++) {
          const count = new Map(members.map((m) => [m, 0]));
          for (let to = from; to < winners.length; to++) {
            if (count.has(winners[to]!)) count.set(winners[to]!, count.get(winners[to]!)! + 1);
            const cs = [...count.values()];
            if (Math.max(...cs) - Math.min(...cs) > 1) {
              expect.fail(
                `window ${from}..${to} of ${winners.join(' ')}: ${JSON.stringify(Object.fromEntries(count))}`,
              );
            }
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('weighted fairness per period', () => {
  const weightArb = fc.constantFrom(0.25, 0.5, 1, 1.5, 2, 3, 0.125);
  it("within each day, every prefix is within 1 lead of each member's exact share", () => {
    fc.assert(
      fc.property(
        fc.array(weightArb, { minLength: 2, maxLength: 5 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 4 }), // leads per day
        (weights, perDay) => {
          const reps = weights.map((weight, i) => aRep({ id: `w${i}`, weight }));
          const config = aConfig({
            pools: [aPool({ strategy: 'weighted_round_robin', period: 'day', timeZone: 'Asia/Kolkata', reps })],
          });
          const total = weights.reduce((a, b) => a + b, 0);
          const state = noHistory();
          perDay.forEach((n, day) => {
            const count = new Map<string, number>();
            for (let k = 0; k < n; k++) {
              const d = decide(aLead(), config, state, new Date(start + day * 86_400_000 + k * 60_000));
              applyStateChange(state, d.stateChange);
              if (d.kind !== 'assigned') throw new Error('unassigned');
              count.set(d.ownerId, (count.get(d.ownerId) ?? 0) + 1);
              reps.forEach((r, i) => {
                const off = Math.abs((count.get(r.id) ?? 0) - ((k + 1) * weights[i]!) / total);
                if (off > 1 + 1e-9)
                  expect.fail(`day ${day}, lead ${k + 1}: ${r.id} (weight ${weights[i]}) off by ${off}`);
              });
            }
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});
