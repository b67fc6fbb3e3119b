import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { BacklogAge } from '../../pipeline/index.js';
import { describe, type Pressure } from '../load-shedding.js';
import { described, open, type ApiTypes } from '../route-schema.js';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface HealthDeps {
  checks: ReadinessCheck[];
  isShuttingDown: () => boolean;
  timeoutMs?: number;
  crms?: () => Record<string, string>;
  /** Seconds the oldest unrouted event, waiting lead and pending owner write have waited; reported, never failing. */
  backlogAge?: () => Promise<BacklogAge | undefined>;
  /** Load shedding's state: set while requests are refused 503 OVERLOADED. */
  pressure?: () => Pressure | undefined;
}

/**
 * /healthz: the process answers (never shed, never failing under load: a busy process is alive).
 * /readyz: its database and queue answer too, it is not shutting down, and it is not shedding
 * load (503 then, so a load balancer tries another instance). It also reports this process's
 * circuit per CRM (`crms: { hubspot: 'open' }`) and the backlog's age without failing on them: a
 * CRM that is down stops writes, not intake or routing (docs/failures.md), and a growing backlog
 * is an alert (docs/operations.md), not a reason to stop taking leads.
 */
export function healthRoutes(server: FastifyInstance, deps: HealthDeps): void {
  const app = server.withTypeProvider<ApiTypes>();
  app.get(
    '/healthz',
    {
      schema: {
        tags,
        summary: 'The process answers (liveness); never shed',
        security: open,
        response: { 200: described('alive', z.object({ status: z.literal('ok') })) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        tags,
        summary:
          'The database and queue answer, the process is not stopping and not shedding load (readiness); reports each CRM circuit and the backlog age without failing on them',
        security: open,
        response: {
          200: described('ready', ready),
          503: described('not ready (NOT_READY) or shedding load (OVERLOADED)', notReady),
        },
      },
    },
    async (_req, reply) => {
      if (deps.isShuttingDown()) return reply.code(503).send({ code: 'NOT_READY', message: 'shutting down' });
      const timeoutMs = deps.timeoutMs ?? 2000;
      const [results, backlog] = await Promise.all([
        Promise.all(
          deps.checks.map(async (c) => {
            try {
              await withTimeout(c.check(), timeoutMs);
              return [c.name, 'ok'] as const;
            } catch {
              return [c.name, 'unreachable'] as const;
            }
          }),
        ),
        deps.backlogAge
          ? withTimeout(deps.backlogAge(), timeoutMs).catch(() => 'unavailable' as const)
          : Promise.resolve(undefined),
      ]);
      const failed = results.filter(([, s]) => s !== 'ok').map(([n]) => n);
      const checks = Object.fromEntries(results);
      const pressure = deps.pressure?.();
      const report = {
        checks,
        ...(deps.crms && { crms: deps.crms() }),
        ...(backlog !== undefined && { backlog }),
        ...(pressure && { pressure }),
      };
      if (failed.length)
        return reply.code(503).send({ code: 'NOT_READY', message: `${failed.join(', ')} not reachable`, ...report });
      if (pressure)
        return reply.code(503).send({ code: 'OVERLOADED', message: `shedding load: ${describe(pressure)}`, ...report });
      return { status: 'ok' as const, ...report };
    },
  );
}

const tags = ['health'];
const checks = z.record(z.string(), z.enum(['ok', 'unreachable'])).describe('each dependency checked: database, queue');
const crms = z
  .record(z.string(), z.string())
  .describe("this process's circuit per CRM (closed, open, half_open); never fails readiness");
const seconds = z.number().nullable();
const backlog = z
  .union([
    z.object({ unroutedEventSeconds: seconds, waitingLeadSeconds: seconds, pendingWriteSeconds: seconds }).partial(),
    z.literal('unavailable'),
  ])
  .describe(
    'seconds the oldest unrouted event, waiting lead and pending owner write have waited; never fails readiness',
  );
const pressure = z
  .object({ reason: z.string(), value: z.number().optional(), limit: z.number().optional() })
  .describe('the load-shedding limit that tripped');
const report = { checks, crms: crms.optional(), backlog: backlog.optional(), pressure: pressure.optional() };
const ready = z.object({ status: z.literal('ok'), ...report });
const notReady = z.object({
  code: z.enum(['NOT_READY', 'OVERLOADED']),
  message: z.string(),
  ...report,
  checks: checks.optional(),
});

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timeout')), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}
