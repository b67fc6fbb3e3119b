import { describe, expect, it } from 'vitest';
import { decide, explainDecision, stateKeys } from '../../../src/routing/index.js';
import { aConfig, aLead, aPool, aRep, at, days, noHistory } from '../../builders/index.js';

describe('explainDecision', () => {
  it('reads as who, why, and who was passed over', () => {
    const pool = aPool({
      id: 'dach',
      reps: [aRep({ id: 'ana', away: [days('2026-11-24', '2026-11-26')] }), aRep({ id: 'bo' })],
    });
    const config = aConfig({
      pools: [pool],
      rules: [{ id: 'dach', when: { field: 'country', op: 'in', value: ['DE', 'AT'] }, action: { pool: 'dach' } }],
    });
    const text = explainDecision(decide(aLead({ country: 'DE' }), config, noHistory(), at('2026-11-25T10:00Z')));
    expect(text).toBe(
      [
        'Assigned to rep bo (CRM owner hs-bo) by rule dach via pool dach: ROUND_ROBIN_NEXT.',
        '',
        'Rules tested:',
        '  - dach: MATCHED',
        '      country in ["DE","AT"]: saw "DE" -> yes',
        '',
        'Steps:',
        '  - RULE_MATCHED (rule dach)',
        '  - REP_AWAY (rep ana, pool dach): 2026-11-24..2026-11-26',
        '  - ROUND_ROBIN_NEXT (rep bo, pool dach): first in line on pool/dach (no lead on it yet)',
        '',
        'Candidates weighed:',
        '  - pool dach (round_robin):',
        '      bo: place -1 (no lead yet)',
        '      -> bo: first in line on pool/dach (no lead on it yet)',
      ].join('\n'),
    );
  });
});

describe('stateKeys', () => {
  it("names the cursors and counters decide may touch, with day and week in each rep's zone", () => {
    const config = aConfig({
      pools: [
        aPool({
          id: 'w',
          strategy: 'weighted_round_robin',
          reps: [aRep({ id: 'ana', timeZone: 'Pacific/Auckland' }), aRep({ id: 'bo' })],
        }),
      ],
    });
    expect(stateKeys(config, at('2026-11-29T12:00Z'))).toEqual({
      pools: ['w'],
      counters: [
        'line:all:last:ana', // every rep's place on the line of all leads (least_recently_assigned, idle time)
        'line:all:last:bo',
        'line:all:seq',
        'line:pool/w:last:ana', // the pool's line: each member's place, and the line's last number
        'line:pool/w:last:bo',
        'line:pool/w:seq',
        'line:pool/w:wrr:all:ana', // weighted credits, period all_time
        'line:pool/w:wrr:all:bo',
        'rep:ana:day:2026-11-30', // already Monday in Auckland: a new ISO week
        'rep:ana:month:2026-11',
        'rep:ana:open',
        'rep:ana:week:2026-W49',
        'rep:bo:day:2026-11-29',
        'rep:bo:month:2026-11',
        'rep:bo:open',
        'rep:bo:week:2026-W48',
      ],
    });
  });

  it('covers every key a decision changes', () => {
    const config = aConfig({
      pools: [aPool({ id: 'w', strategy: 'weighted_round_robin', reps: [aRep({ id: 'ana' }), aRep({ id: 'bo' })] })],
    });
    const now = at('2026-12-31T23:30Z'); // ISO week 2026-W53
    const d = decide(aLead(), config, noHistory(), now);
    expect(stateKeys(config, now).counters).toEqual(expect.arrayContaining(Object.keys(d.stateChange.counterDeltas)));
    expect(Object.keys(d.stateChange.counterDeltas)).toContain('rep:ana:week:2026-W53');
  });
});
