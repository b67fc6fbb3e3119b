// Load shedding (@fastify/under-pressure): when the event loop lags or memory runs out, a request
// is refused at once with 503 OVERLOADED and Retry-After, before its body is read or any work is
// done, so the requests already admitted finish instead of all of them timing out together. CRMs
// and API clients retry a 503 (HubSpot and Salesforce redeliver), and nothing was stored, so a
// shed request loses nothing. /healthz and /metrics are never shed: a busy process is alive, and
// its metrics are how a person sees the pressure. /readyz is not shed either; it answers 503 and
// says which limit tripped, so a load balancer sends the next requests to another instance.
import underPressure, { type FastifyUnderPressureOptions } from '@fastify/under-pressure';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Env } from '../config/index.js';
import { errors } from '../errors.js';
import type { Metrics } from '../pipeline/index.js';
import { retryAfterSeconds } from './error-handler.js';

/** Limits; 0 turns one off (env SHED_*, docs/operations.md). */
export interface LoadShedding {
  eventLoopDelayMs: number;
  eventLoopUtilization: number;
  heapUsedBytes: number;
  rssBytes: number;
  /** Tests force the pressed state with a check answering false (no timing involved). */
  healthCheck?: () => Promise<boolean>;
}

export function loadSheddingFromEnv(env: Env): LoadShedding {
  return {
    eventLoopDelayMs: env.SHED_EVENT_LOOP_DELAY_MS,
    eventLoopUtilization: env.SHED_EVENT_LOOP_UTILIZATION,
    heapUsedBytes: env.SHED_HEAP_USED_BYTES,
    rssBytes: env.SHED_RSS_BYTES,
  };
}

const exempt = new Set(['/healthz', '/readyz', '/metrics']);

/** What tripped, for /readyz and the 503's message; undefined when not under pressure. */
export interface Pressure {
  reason: string;
  value?: number;
  limit?: number;
}

export function installLoadShedding(
  app: FastifyInstance,
  limits: LoadShedding,
  metrics: Metrics,
): { pressure(): Pressure | undefined } {
  const opts: FastifyUnderPressureOptions = {
    maxEventLoopDelay: limits.eventLoopDelayMs,
    maxEventLoopUtilization: limits.eventLoopUtilization,
    // Utilization of the last second, not since the process started.
    eventLoopUtilizationMode: 'interval',
    maxHeapUsedBytes: limits.heapUsedBytes,
    maxRssBytes: limits.rssBytes,
    retryAfter: retryAfterSeconds,
    ...(limits.healthCheck && { healthCheck: limits.healthCheck, healthCheckInterval: 60_000 }),
    // "Any other return value than a promise or nullish will be sent to the client with reply.send"
    // (the plugin's README); its typings say void, hence the cast below.
    pressureHandler: ((req: FastifyRequest, reply: FastifyReply, type: string, value: number | undefined) => {
      if (exempt.has(req.routeOptions.url ?? '')) return undefined; // let it through
      metrics.shed.inc({ reason: type });
      const e = errors.overloaded(
        describe({ reason: type, ...(value !== undefined && { value, limit: limitOf(type) }) }),
      );
      void reply.code(e.status).header('retry-after', String(retryAfterSeconds));
      return { code: e.code, message: e.message };
    }) as unknown as FastifyUnderPressureOptions['pressureHandler'],
  };
  void app.register(underPressure, opts);

  const limitOf = (reason: string): number | undefined =>
    ({
      eventLoopDelay: limits.eventLoopDelayMs,
      eventLoopUtilization: limits.eventLoopUtilization,
      heapUsedBytes: limits.heapUsedBytes,
      rssBytes: limits.rssBytes,
    })[reason] || undefined;

  return {
    pressure() {
      if (!app.isUnderPressure?.()) return undefined;
      const m = app.memoryUsage();
      const over: Array<[string, number]> = [
        ['eventLoopDelay', m.eventLoopDelay],
        ['heapUsedBytes', m.heapUsed],
        ['rssBytes', m.rssBytes],
        ['eventLoopUtilization', m.eventLoopUtilized],
      ];
      for (const [reason, value] of over) {
        const limit = limitOf(reason);
        if (limit && value > limit) return { reason, value: round(value), limit };
      }
      return { reason: 'healthCheck' };
    },
  };
}

const round = (v: number) => Math.round(v * 1000) / 1000;

/** "event loop delay 1200 ms over the limit of 1000 ms", for the 503's message and /readyz. */
export function describe(p: Pressure): string {
  const what =
    {
      eventLoopDelay: 'event loop delay',
      eventLoopUtilization: 'event loop utilization',
      heapUsedBytes: 'heap used',
      rssBytes: 'resident memory',
      healthCheck: 'health check',
    }[p.reason] ?? p.reason;
  const unit = p.reason === 'eventLoopDelay' ? ' ms' : p.reason.endsWith('Bytes') ? ' bytes' : '';
  const figures =
    p.value !== undefined && p.limit !== undefined
      ? ` ${round(p.value)}${unit} over the limit of ${p.limit}${unit}`
      : '';
  return `${what}${figures}`;
}
