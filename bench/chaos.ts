// npm run bench:chaos [-- --only kill-9-worker,redis-flush]
// Issue 12's chaos scenarios (test/chaos/scenarios.ts), every one of them,
// through the real compiled CLI (1 serve + 2 workers) on a Postgres and a Redis of its own, which
// it stops, restarts and flushes. One JSON line per scenario: sent, acked, written_once, lost,
// duplicated, recover_s (fault end -> last owner write), what intake refused, what the fault proxy
// did. Target: lost 0, duplicated 0, recover_s under 30.
// Ports: CHAOS_PG_PORT / CHAOS_REDIS_PORT, default 27633 / 27680 (the test suite uses 27632 / 27679,
// so a bench and a test run never stop each other's servers). Needs `npm run build`.
import { parseArgs } from 'node:util';
import { startCluster } from '../test/chaos/cluster.js';
import { scenarios } from '../test/chaos/scenarios.js';

const { values } = parseArgs({ options: { only: { type: 'string' } } });
const only = values.only?.split(',').map((s) => s.trim());

async function main() {
  const cluster = await startCluster({
    postgresPort: Number(process.env.CHAOS_PG_PORT ?? 27633),
    redisPort: Number(process.env.CHAOS_REDIS_PORT ?? 27680),
  });
  let failed = 0;
  try {
    for (const s of scenarios.filter((x) => !only || only.includes(x.name))) {
      try {
        const { figures, checks } = await s.run(cluster);
        const ok =
          figures.lost === 0 &&
          figures.duplicated === 0 &&
          figures.acked === figures.sent &&
          JSON.stringify(checks) === JSON.stringify(s.expected);
        if (!ok) failed += 1;
        console.log(JSON.stringify({ ...figures, checks, expected: s.expected, ok }));
      } catch (err) {
        failed += 1;
        console.log(JSON.stringify({ scenario: s.name, error: (err as Error).message.slice(0, 500), ok: false }));
      }
    }
  } finally {
    await cluster.stop();
  }
  process.exitCode = failed ? 1 : 0;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
