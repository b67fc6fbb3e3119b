import { describe, expect, it } from 'vitest';
import { counterDeltasForMove } from '../../../src/sync/index.js';
import { aRep } from '../../builders/index.js';

// A lead taken from ana (Berlin, monthly quota) and handed to bo (New York, hourly cap): every cap
// counter routing charged moves with it, under routing's own keys, each rep in their own zone.
describe('counter moves when a lead changes hands outside routing', () => {
  const ana = aRep({ id: 'ana', timeZone: 'Europe/Berlin', capPerMonth: 100 });
  const bo = aRep({ id: 'bo', timeZone: 'America/New_York', capPerHour: 3 });

  it('gives back the open lead and the day, week and month charge; charges the taker for the day, week, month and hour of the change', () => {
    const deltas = counterDeltasForMove({
      from: { rep: ana, since: new Date('2026-01-31T23:30:00Z') }, // Feb 1st, 00:30 in Berlin
      to: { rep: bo, at: new Date('2026-02-02T14:10:00Z') }, // 09:10 in New York
      periods: true,
    });
    expect(deltas).toEqual({
      'rep:ana:open': -1,
      'rep:ana:day:2026-02-01': -1,
      'rep:ana:week:2026-W05': -1,
      'rep:ana:month:2026-02': -1,
      'rep:bo:open': 1,
      'rep:bo:day:2026-02-02': 1,
      'rep:bo:week:2026-W06': 1,
      'rep:bo:month:2026-02': 1,
      'rep:bo:hour:2026-02-02T14': 1,
    });
  });

  it('moves only the open load when the period charges stay (an SLA give-back)', () => {
    expect(
      counterDeltasForMove({ from: { rep: ana, since: new Date('2026-02-01T10:00:00Z') }, periods: false }),
    ).toEqual({ 'rep:ana:open': -1 });
  });
});
