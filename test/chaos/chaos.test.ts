// Issue 12's chaos suite: for each fault, a known set of HubSpot leads through the real compiled
// CLI (1 serve + 2 workers) on the suite's own Postgres and Redis (test/chaos/cluster.ts), then
// from the stand-in's recorded writes and from Postgres: every acknowledged lead was written
// exactly once, and no outbox row or event is left undone. Needs `npm run build` first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type ChaosCluster } from './cluster.js';
import { scenarios } from './scenarios.js';

let cluster: ChaosCluster;

beforeAll(async () => {
  cluster = await startCluster();
});

afterAll(async () => {
  await cluster?.stop();
});

describe('chaos: every acknowledged lead is written exactly once', () => {
  for (const scenario of scenarios) {
    it(`${scenario.name}: ${scenario.what}`, { timeout: 150_000 }, async () => {
      const { figures, checks, logs } = await scenario.run(cluster);
      console.log(JSON.stringify({ ...figures, checks }));
      const n = figures.sent;
      const got = {
        acked: figures.acked,
        written_once: figures.written_once,
        lost: figures.lost,
        duplicated: figures.duplicated,
        outbox_not_done: figures.outbox_not_done,
        events_not_done: figures.events_not_done,
        checks,
      };
      expect(got, `${JSON.stringify(figures)}\n${logs}`).toEqual({
        acked: n,
        written_once: n,
        lost: 0,
        duplicated: 0,
        outbox_not_done: 0,
        events_not_done: 0,
        checks: scenario.expected,
      });
      expect(n).toBeGreaterThan(0);
    });
  }
});
