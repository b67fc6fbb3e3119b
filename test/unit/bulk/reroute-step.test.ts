import { describe, expect, it } from 'vitest';
import { rerouteLead } from '../../../src/bulk/index.js';
import { aConfig, aLead, aPool, aRep, at, noHistory } from '../../builders/index.js';
import { applyStateChange } from '../../builders/state.js';
import type { RoutingState } from '../../../src/routing/index.js';

const now = at('2026-11-25T10:00:00Z');
const reps = ['ana', 'bo', 'cy'].map((id) => aRep({ id, crmIds: { hubspot: `h-${id}` } }));
const config = aConfig({ pools: [aPool({ id: 'inbound', strategy: 'round_robin', reps })] });
const ownedBy = (rep: string) => ({ lead: aLead(), ownerRepId: rep, crmOwnerId: `h-${rep}` });

describe('rerouteLead', () => {
  it('moves a lead with its rep giving back the open lead, and turns the rotation for a lead it keeps', () => {
    let state: RoutingState = { ...noHistory(), counters: { 'rep:cy:open': 3 } };
    const steps = [1, 2, 3].map(() => {
      const s = rerouteLead(ownedBy('cy'), config, state, now);
      state = applyStateChange(state, s.stateChange);
      return s;
    });
    expect(steps.map((s) => [s.outcome, s.toRepId])).toEqual([
      ['moved', 'ana'],
      ['moved', 'bo'],
      ['kept', 'cy'],
    ]);
    // Two leads left cy; the one cy kept charged nothing of cy's (open, caps).
    expect(
      Object.entries(state.counters).filter(
        ([k]) => k.startsWith('rep:') && !k.includes(':week:') && !k.includes(':month:'),
      ),
    ).toEqual(
      expect.arrayContaining([
        ['rep:cy:open', 1],
        ['rep:ana:open', 1],
        ['rep:bo:open', 1],
      ]),
    );
    expect(Object.keys(state.counters).filter((k) => k.startsWith('rep:cy:') && k !== 'rep:cy:open')).toEqual([]);
  });

  it('leaves a lead nobody can take where it is, and never gives back below zero', () => {
    const away = aConfig({ pools: [aPool({ id: 'inbound', reps: [aRep({ id: 'ana', active: false })] })] });
    const s = rerouteLead(ownedBy('cy'), away, noHistory(), now);
    expect(s).toMatchObject({ outcome: 'unplaced', toRepId: null, stateChange: { cursors: {}, counterDeltas: {} } });
    const moved = rerouteLead(ownedBy('cy'), config, noHistory(), now);
    expect(moved.outcome).toBe('moved');
    expect(moved.stateChange.counterDeltas['rep:cy:open']).toBeUndefined();
  });
});
