// A serving runtime and N working runtimes (each its own connection pool and BullMQ worker) on a
// fresh database with one config: what the tests of invariant 8 (N workers decide as one) route
// through. Workers are opened but not started: the caller starts them when its backlog is ready.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRuntime, type Runtime } from '../../src/runtime.js';
import { createTestDatabase, type TestDatabase } from './services.js';
import { cleanupQueue, startSystem, testEnv, type TestSystem } from './system.js';

const hour = 3_600_000;

export async function openCluster(
  config: { mappings: unknown; routing: unknown },
  opts: { workers: number; env: Record<string, string>; clock?: () => Date },
  cleanups: Array<() => Promise<void>>,
): Promise<{ tdb: TestDatabase; serve: TestSystem; working: Runtime[] }> {
  const tdb = await createTestDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'lr-cluster-'));
  cleanups.push(async () => {
    await tdb.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  writeFileSync(join(dir, 'config.yaml'), JSON.stringify(config));
  const env = testEnv(tdb.url, { CONFIG_FILE: join(dir, 'config.yaml'), SWEEP_AFTER_MS: '30000', ...opts.env });
  const serve = await startSystem(env, { migrate: true });
  const working: Runtime[] = [];
  cleanups.push(async () => {
    await Promise.all([serve.close(), ...working.map((w) => w.close())]);
    await cleanupQueue(env);
  });
  // Day caps are per local day: keep every decision on one day, clear of midnight UTC.
  const offsetMs = new Date().getUTCHours() >= 22 ? 3 * hour : 0;
  for (let i = 0; i < opts.workers; i++)
    working.push(await openRuntime(env, { now: opts.clock ?? (() => new Date(Date.now() + offsetMs)) }));
  return { tdb, serve, working };
}
