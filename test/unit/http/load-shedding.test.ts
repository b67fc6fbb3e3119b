// Load shedding (src/http/load-shedding.ts): the pressed state is forced through the plugin's own
// health check (a check answering false presses it at once), so no timing or real load is needed.
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEnv } from '../../../src/config/index.js';
import { buildApp } from '../../../src/http/index.js';
import { describe as describePressure, loadSheddingFromEnv } from '../../../src/http/load-shedding.js';
import { createLogger } from '../../../src/logger.js';
import { createMetrics } from '../../../src/pipeline/index.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(healthy: boolean): Promise<FastifyInstance> {
  app = buildApp({
    logger: createLogger({ level: 'silent' }),
    metrics: createMetrics(),
    bodyLimitBytes: 1024,
    checks: [],
    isShuttingDown: () => false,
    loadShedding: {
      eventLoopDelayMs: 1000,
      eventLoopUtilization: 0,
      heapUsedBytes: 0,
      rssBytes: 0,
      healthCheck: async () => healthy,
    },
  });
  let handled = 0;
  app.post('/v1/probe', async () => ({ handled: ++handled }));
  await app.ready();
  return app;
}

describe('under pressure', () => {
  it('answers 503 OVERLOADED with Retry-After before the handler runs', async () => {
    const a = await start(false);
    const res = await a.inject({ method: 'POST', url: '/v1/probe', payload: { any: 'body' } });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json()).toEqual({
      code: 'OVERLOADED',
      message: 'the server is overloaded (health check): nothing was stored; retry after the Retry-After seconds',
    });
    // Still refused on the next try: the handler never ran.
    expect((await a.inject({ method: 'POST', url: '/v1/probe' })).statusCode).toBe(503);
  });

  it('keeps /healthz and /metrics answering, counts what it shed, and /readyz says why', async () => {
    const a = await start(false);
    await a.inject({ method: 'POST', url: '/v1/probe' });
    expect((await a.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const metrics = await a.inject({ url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toMatch(/^http_requests_shed_total\{reason="healthCheck"\} 1$/m);
    const ready = await a.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.headers['retry-after']).toBe('5');
    expect(ready.json()).toEqual({
      code: 'OVERLOADED',
      message: 'shedding load: health check',
      checks: {},
      pressure: { reason: 'healthCheck' },
    });
  });

  it('lets everything through when not pressed', async () => {
    const a = await start(true);
    const res = await a.inject({ method: 'POST', url: '/v1/probe' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ handled: 1 });
    expect((await a.inject({ url: '/readyz' })).json()).toEqual({ status: 'ok', checks: {} });
  });
});

describe('limits from the environment', () => {
  it('defaults to a one-second event-loop delay, the rest off; a blank value counts as unset', () => {
    expect(loadSheddingFromEnv(parseEnv({ SHED_RSS_BYTES: '' }))).toEqual({
      eventLoopDelayMs: 1000,
      eventLoopUtilization: 0,
      heapUsedBytes: 0,
      rssBytes: 0,
    });
    expect(
      loadSheddingFromEnv(
        parseEnv({
          SHED_EVENT_LOOP_DELAY_MS: '0',
          SHED_EVENT_LOOP_UTILIZATION: '0.98',
          SHED_HEAP_USED_BYTES: '1500000000',
          SHED_RSS_BYTES: '2000000000',
        }),
      ),
    ).toEqual({
      eventLoopDelayMs: 0,
      eventLoopUtilization: 0.98,
      heapUsedBytes: 1_500_000_000,
      rssBytes: 2_000_000_000,
    });
  });

  it('refuses a utilization outside 0..1, naming the variable', () => {
    expect(() => parseEnv({ SHED_EVENT_LOOP_UTILIZATION: '98' })).toThrow(/SHED_EVENT_LOOP_UTILIZATION/);
  });
});

describe('the message', () => {
  it('names the limit that tripped with its figures', () => {
    expect(describePressure({ reason: 'eventLoopDelay', value: 1234.5678, limit: 1000 })).toBe(
      'event loop delay 1234.568 ms over the limit of 1000 ms',
    );
    expect(describePressure({ reason: 'rssBytes', value: 2_100_000_000, limit: 2_000_000_000 })).toBe(
      'resident memory 2100000000 bytes over the limit of 2000000000 bytes',
    );
    expect(describePressure({ reason: 'healthCheck' })).toBe('health check');
  });
});
