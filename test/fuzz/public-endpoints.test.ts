// Fuzz over every public endpoint (issue 12): whatever a sender puts in a request, the answer is
// 2xx or 4xx, never a 5xx, and a 4xx writes nothing (fuzz-system.ts says how that is checked).
// Real app (app.inject), real Postgres and Redis. Seedable: FUZZ_SEED=<n> reproduces a run (the
// seed is printed, and fast-check prints it with the shrunk counterexample on failure);
// FUZZ_CASES=<n> changes the total (default 20,000).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminApi, elsewhere, hubspotWebhook, leadReads, postLead, preview, salesforceWebhook } from './arbitraries.js';
import { startFuzzSystem, type FuzzCase, type FuzzSystem } from './fuzz-system.js';

const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() ^ (Math.random() * 2 ** 31);
const total = process.env.FUZZ_CASES ? Number(process.env.FUZZ_CASES) : 20_000;
const batchSize = 50;

// Share of the cases per endpoint family.
const families: Array<{ name: string; share: number; arb: fc.Arbitrary<FuzzCase> }> = [
  { name: 'POST /v1/leads', share: 0.25, arb: postLead },
  { name: 'POST /webhooks/hubspot', share: 0.2, arb: hubspotWebhook },
  { name: 'POST /webhooks/salesforce/:token', share: 0.15, arb: salesforceWebhook },
  { name: 'admin API', share: 0.2, arb: adminApi },
  { name: 'lead reads, conflicts, claims, rep availability', share: 0.1, arb: leadReads },
  { name: 'POST /v1/route/preview', share: 0.06, arb: preview },
  { name: 'other methods and paths', share: 0.04, arb: elsewhere },
];

let fz: FuzzSystem;
const ran: Record<string, { cases: number; byStatus: Record<string, number> }> = {};

beforeAll(async () => {
  fz = await startFuzzSystem();
  console.log(`fuzz: FUZZ_SEED=${seed} FUZZ_CASES=${total}`);
});

afterAll(async () => {
  const cases = Object.values(ran).reduce((n, r) => n + r.cases, 0);
  console.log(
    `fuzz: ${cases} cases (seed ${seed})\n${Object.entries(ran)
      .map(([k, r]) => `  ${k}: ${r.cases} ${JSON.stringify(r.byStatus)}`)
      .join('\n')}`,
  );
  await fz?.close();
});

describe('fuzz: every public endpoint answers 2xx or 4xx, and a 4xx writes nothing', () => {
  families.forEach((f, i) => {
    const runs = Math.max(1, Math.round((total * f.share) / batchSize));
    it(`${f.name}: ${runs * batchSize} cases`, async () => {
      const stats: { cases: number; byStatus: Record<string, number> } = { cases: 0, byStatus: {} };
      ran[f.name] = stats;
      await fc.assert(
        fc.asyncProperty(fc.array(f.arb, { minLength: batchSize, maxLength: batchSize }), async (cases) => {
          const statuses = await fz.runBatch(cases);
          stats.cases += statuses.length;
          for (const s of statuses) stats.byStatus[s] = (stats.byStatus[s] ?? 0) + 1;
        }),
        { seed: seed + i, numRuns: runs, endOnFailure: true, verbose: 0 },
      );
      expect(stats.cases).toBeGreaterThanOrEqual(runs * batchSize);
    }, 300_000);
  });
});
