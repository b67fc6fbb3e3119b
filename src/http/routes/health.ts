import type { FastifyInstance } from 'fastify';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

/**
 * /healthz: the process answers. /readyz: its database and queue answer too, and it is not
 * shutting down. It also reports this process's circuit per CRM (`crms: { hubspot: 'open' }`)
 * without failing on it: a CRM that is down stops writes, not intake or routing (docs/failures.md).
 */
export function healthRoutes(app: FastifyInstance, deps: { checks: ReadinessCheck[]; isShuttingDown: () => boolean; timeoutMs?: number; crms?: () => Record<string, string> }): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    if (deps.isShuttingDown()) return reply.code(503).send({ code: 'NOT_READY', message: 'shutting down' });
    const results = await Promise.all(
      deps.checks.map(async (c) => {
        try {
          await withTimeout(c.check(), deps.timeoutMs ?? 2000);
          return [c.name, 'ok'] as const;
        } catch {
          return [c.name, 'unreachable'] as const;
        }
      }),
    );
    const failed = results.filter(([, s]) => s !== 'ok').map(([n]) => n);
    const checks = Object.fromEntries(results);
    if (failed.length) return reply.code(503).send({ code: 'NOT_READY', message: `${failed.join(', ')} not reachable`, checks, ...(deps.crms && { crms: deps.crms() }) });
    return { status: 'ok', checks, ...(deps.crms && { crms: deps.crms() }) };
  });
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timeout')), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}
