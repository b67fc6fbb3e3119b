// Two processes on one Postgres, as a fleet runs: the file's system (useTestSystem) and a second
// one on the same database and env, started after it and closed before it. And one API lead
// ingested and routed in a given process (routeBatch called directly, no worker needed).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { ingestApiLead, routeBatch } from '../../src/pipeline/index.js';
import { cleanupQueue, startSystem, testEnv, type TestSystem, type TestSystemFixture } from './system.js';

/** A second system on `first`'s database with `env()` (read once `first` has started). */
export function useSecondSystem(
  first: TestSystemFixture,
  env: () => Record<string, string>,
): { readonly sys: TestSystem } {
  let sys: TestSystem | undefined;
  beforeAll(async () => {
    sys = await startSystem(testEnv(first.db.url, env()));
  });
  afterAll(async () => {
    await sys?.close();
    if (sys) await cleanupQueue(sys.rt.env);
  });
  return {
    get sys() {
      if (!sys) throw new Error('the second system has not started (use it inside a test)');
      return sys;
    },
  };
}

/** Ingests an API lead with this email in `sys` and routes it there; returns its event id. */
export async function routeApiLead(sys: TestSystem, email: string): Promise<string> {
  const { eventId } = await ingestApiLead(sys.rt.deps, {
    source: 'web',
    idempotencyKey: randomUUID(),
    lead: { email },
  });
  await routeBatch(sys.rt.deps, [eventId]);
  return eventId;
}
