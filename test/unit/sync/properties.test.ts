// Properties over arbitrary event sequences and schedules:
// - router_wins never reverts more than maxReverts times per lead, whatever people do and in
//   whatever order the CRM delivers, and our own write-backs (reverts included) are never taken
//   for a person's change: two systems cannot loop.
// - a working-hours SLA deadline holds exactly `minutes` working minutes, counted by an oracle
//   that walks minute by minute with its own Intl formatter (independent of local-time.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { slaDeadline } from '../../../src/routing/index.js';
import { classifyOwnershipChange, decideConflict, type LedgerWrite } from '../../../src/sync/index.js';
import { aConfig, aPool, aRep } from '../../builders/index.js';
import { aChange, ourIdentity } from './helpers.js';

const config = aConfig({ pools: [aPool({ reps: ['ana', 'bo', 'cy'].map((id) => aRep({ id })) })] });
const t0 = Date.UTC(2026, 10, 25, 10, 0);

type Step = { kind: 'person'; owner: string; delayS: number } | { kind: 'deliverEcho'; tagged: boolean; lagS: number };
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('person' as const),
    owner: fc.constantFrom('hs-ana', 'hs-bo', 'hs-cy', 'hs-stranger'),
    delayS: fc.integer({ min: -300, max: 3600 }),
  }),
  fc.record({ kind: fc.constant('deliverEcho' as const), tagged: fc.boolean(), lagS: fc.integer({ min: 0, max: 90 }) }),
);

describe('router_wins under any event sequence', () => {
  it('reverts at most maxReverts times and never takes our own write for a manual change', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(step, { maxLength: 40 }), (maxReverts, steps) => {
        const writes: LedgerWrite[] = [{ writeId: 'w0', ownerId: 'hs-ana', writtenAt: new Date(t0), status: 'done' }];
        const undelivered: LedgerWrite[] = [...writes];
        let current: string | null = 'hs-ana';
        let lastApplied = new Date(t0);
        let clock = t0;
        let reverts = 0;
        for (const s of steps) {
          if (s.kind === 'deliverEcho') {
            const w = undelivered.shift();
            if (!w) continue;
            const c = aChange({
              newOwnerId: w.ownerId,
              occurredAt: new Date(w.writtenAt.getTime() + s.lagS * 1000).toISOString(),
              ...(s.tagged ? { changeSource: 'INTEGRATION', sourceId: '4242' } : {}),
            });
            const k = classifyOwnershipChange(c, {
              writes,
              currentOwnerId: current,
              lastAppliedAt: lastApplied,
              identity: ourIdentity,
            });
            // An untagged echo may arrive after a person changed it again: then it may look stale or
            // manual by value only if the window passed; tagged ones are always ours.
            if (s.tagged) expect(k.kind).toBe('echo');
            if (k.kind === 'echo' && k.writeId)
              writes.find((x) => x.writeId === k.writeId)!.confirmedAt = new Date(clock);
            continue;
          }
          clock += 1000;
          const occurredAt = new Date(clock + s.delayS * 1000);
          const k = classifyOwnershipChange(
            aChange({ newOwnerId: s.owner, occurredAt: occurredAt.toISOString(), sourceId: 'userId:9' }),
            {
              writes,
              currentOwnerId: current,
              lastAppliedAt: lastApplied,
              identity: ourIdentity,
            },
          );
          if (k.kind !== 'manual') continue;
          const d = decideConflict(
            { policy: 'router_wins', maxReverts },
            {
              config,
              crm: 'hubspot',
              previousOwnerId: current,
              newOwnerId: s.owner,
              changedAt: occurredAt,
              routerOwnerId: 'hs-ana',
              revertsSoFar: reverts,
            },
          );
          lastApplied = occurredAt > lastApplied ? occurredAt : lastApplied;
          if (d.action === 'revert') {
            reverts += 1;
            expect(d.attempt).toBe(reverts);
            const w: LedgerWrite = {
              writeId: `w${writes.length}`,
              ownerId: d.ownerId,
              writtenAt: new Date(clock),
              status: 'done',
            };
            writes.push(w);
            undelivered.push(w);
            current = d.ownerId;
          } else {
            current = s.owner;
          }
        }
        expect(reverts).toBeLessThanOrEqual(maxReverts);
      }),
      { numRuns: 300 },
    );
  });
});

describe('working-hours SLA deadline', () => {
  const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata', 'UTC'];
  const dayNames = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
  const span = fc
    .tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 10 }))
    .map(([h, len]) => `${String(h).padStart(2, '0')}:30-${String(Math.min(24, h + len)).padStart(2, '0')}:00`);
  const hours = fc.dictionary(fc.constantFrom(...dayNames), fc.array(span, { minLength: 1, maxLength: 1 }), {
    minKeys: 2,
    maxKeys: 7,
  });
  // Around the DST changes of 2026 in Europe, the US and Australia, and ordinary weeks.
  const starts = [
    Date.UTC(2026, 2, 6),
    Date.UTC(2026, 2, 27),
    Date.UTC(2026, 3, 3),
    Date.UTC(2026, 9, 1),
    Date.UTC(2026, 9, 23),
    Date.UTC(2026, 10, 20),
  ];
  const startArb = fc
    .tuple(fc.constantFrom(...starts), fc.integer({ min: 0, max: 4 * 1440 - 1 }))
    .map(([d, m]) => new Date(d + m * 60_000));

  function oracle(tz: string, workingHours: Record<string, string[]>, holidays: string[]) {
    const f = new Intl.DateTimeFormat('sv-SE', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    return (ms: number) => {
      const s = f.format(new Date(ms)); // "2026-03-08 03:30"
      const date = s.slice(0, 10);
      if (holidays.includes(date)) return false;
      const wd = dayNames[(new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7]!;
      const min = Number(s.slice(11, 13)) * 60 + Number(s.slice(14, 16));
      return (workingHours[wd] ?? []).some((sp) => {
        const [a, b] = [sp.slice(0, 5), sp.slice(6)].map((x) => Number(x.slice(0, 2)) * 60 + Number(x.slice(3)));
        return min >= a! && min < b!;
      });
    };
  }

  it('contains exactly `minutes` working minutes, and its last minute is one', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        hours,
        startArb,
        fc.integer({ min: 1, max: 300 }),
        fc.boolean(),
        (tz, workingHours, start, minutes, holiday) => {
          const holidays = holiday ? [new Date(start.getTime() + 86_400_000).toISOString().slice(0, 10)] : [];
          const rep = aRep({ id: 'r', timeZone: tz, workingHours, holidays });
          const deadline = slaDeadline(start, minutes, rep, true).getTime();
          const working = oracle(tz, workingHours, holidays);
          let count = 0;
          for (let t = start.getTime(); t < deadline; t += 60_000) if (working(t)) count++;
          expect(count).toBe(minutes);
          expect(working(deadline - 60_000)).toBe(true);
        },
      ),
      { numRuns: 80 },
    );
  });
});
