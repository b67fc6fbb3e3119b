import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Logger } from '../logger.js';
import type { Env, Secret } from '../config/index.js';
import type { HttpDeps } from './deps.js';
import { adminRoutes } from './routes/admin/index.js';
import { leadRoutes } from './routes/leads/index.js';
import { webhookRoutes } from './routes/webhooks/index.js';
import { syncRoutes } from './routes/sync/index.js';
import type { Metrics, PipelineDeps } from '../pipeline/index.js';
import { apiKeyChecker } from './api-key.js';
import { installErrorHandler } from './error-handler.js';
import { healthRoutes, type ReadinessCheck } from './routes/health.js';
import { metricsRoute } from './routes/metrics.js';
import { postLead } from './routes/post-lead.js';

export interface AppOptions {
  logger: Logger;
  metrics: Metrics;
  bodyLimitBytes: number;
  checks: ReadinessCheck[];
  isShuttingDown: () => boolean;
  /** Absent on the worker's small health/metrics server. */
  intake?: { pipeline: PipelineDeps; apiKeys: readonly Secret[]; env: Env };
}

const requestIdPattern = /^[A-Za-z0-9._:-]{8,128}$/;

export function buildApp(opts: AppOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: opts.logger,
    bodyLimit: opts.bodyLimitBytes,
    // One access line per request (onResponse below), not fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // A caller's x-request-id is kept when it looks like one, so logs join across systems.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && requestIdPattern.test(given) ? given : randomUUID();
    },
  }) as unknown as FastifyInstance;

  installErrorHandler(app, opts.bodyLimitBytes);
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    opts.metrics.httpRequests.inc({ method: req.method, route, status: String(reply.statusCode) });
    opts.metrics.httpDuration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
    if (route !== '/metrics' && route !== '/healthz' && route !== '/readyz') {
      req.log.info({ method: req.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request');
    }
  });

  healthRoutes(app, { checks: opts.checks, isShuttingDown: opts.isShuttingDown });
  metricsRoute(app, opts.metrics);
  if (opts.intake) {
    const deps: HttpDeps = { pipeline: opts.intake.pipeline, env: opts.intake.env, checkApiKey: apiKeyChecker(opts.intake.apiKeys) };
    postLead(app, deps);
    leadRoutes(app, deps);
    webhookRoutes(app, deps);
    adminRoutes(app, deps);
    syncRoutes(app, deps);
  }
  return app;
}
