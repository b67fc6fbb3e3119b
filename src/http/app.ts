import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance, type RouteOptions } from 'fastify';
import type { Logger } from '../logger.js';
import type { Env, Secret, WebForms } from '../config/index.js';
import type { HttpDeps } from './deps.js';
import { adminRoutes } from './routes/admin/index.js';
import { leadRoutes } from './routes/leads/index.js';
import { webhookRoutes } from './routes/webhooks/index.js';
import { reportRoutes } from './routes/reports/index.js';
import { syncRoutes } from './routes/sync/index.js';
import { repRoutes } from './routes/reps/index.js';
import type { Metrics, PipelineDeps } from '../pipeline/index.js';
import { apiKeyChecker } from './api-key.js';
import { frameworkErrors, installErrorHandler, retryAfterSeconds } from './error-handler.js';
import { installGracefulClose } from './graceful-close.js';
import { redactSecrets } from '../redact.js';
import { healthRoutes, type ReadinessCheck } from './routes/health.js';
import { installLoadShedding, loadSheddingFromEnv, type LoadShedding } from './load-shedding.js';
import { metricsRoute } from './routes/metrics.js';
import { postLead } from './routes/post-lead.js';
import { registerOpenApi } from './openapi.js';
import { serializerCompiler, validatorCompiler } from './parse.js';
import { webFormRoutes } from './routes/forms/post-web-form.js';
import { lazyChild } from './lazy-logger.js';
import { consoleRoutes } from './console/index.js';

/** Socket and request limits (env REQUEST_TIMEOUT_MS, CONNECTION_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS). */
export interface HttpTimeouts {
  /** Whole request (headers and body) must arrive within this, else 408 and the socket closes. 0: no limit. */
  requestMs: number;
  /** A socket with no bytes either way for this long is closed. 0: no limit. */
  connectionMs: number;
  /** An idle keep-alive socket is closed after this. */
  keepAliveMs: number;
}

export const defaultHttpTimeouts: HttpTimeouts = { requestMs: 10_000, connectionMs: 120_000, keepAliveMs: 72_000 };

declare module 'fastify' {
  interface FastifyInstance {
    /** SIGTERM's close: in-flight requests are answered, slow and idle sockets closed (graceful-close.ts). */
    closeGracefully(): Promise<{ socketsClosed: number; unfinishedRequests: number }>;
  }
}

export interface AppOptions {
  logger: Logger;
  metrics: Metrics;
  bodyLimitBytes: number;
  timeouts?: HttpTimeouts;
  checks: ReadinessCheck[];
  isShuttingDown: () => boolean;
  /** Circuit state per CRM for /readyz (reported, never failing it). */
  crmStates?: () => Record<string, string>;
  /** Absent on the worker's small health/metrics server. */
  intake?: {
    pipeline: PipelineDeps;
    apiKeys: readonly Secret[];
    env: Env;
    /** Web forms by source (env WEB_FORMS); none: every form post is a 404. */ webForms?: WebForms;
  };
  /** Load-shedding limits; default: from `intake.env` (SHED_*), none on the worker's health server (it serves only exempt routes). */
  loadShedding?: LoadShedding;
  /** Sees every route as it is registered (test/integration/openapi.test.ts lists them). */
  onRoute?: (route: RouteOptions) => void;
}

const requestIdPattern = /^[A-Za-z0-9._:-]{8,128}$/;

export function buildApp(opts: AppOptions): FastifyInstance {
  const timeouts = opts.timeouts ?? defaultHttpTimeouts;
  const app = Fastify({
    loggerInstance: opts.logger,
    bodyLimit: opts.bodyLimitBytes,
    frameworkErrors, // bad percent-escapes, over-long path segments: our 400, not fastify's body
    // A client that sends headers and then trickles (or never finishes) its body is cut off
    // after requestMs, authenticated or not; node checks every second instead of every 30 s.
    requestTimeout: timeouts.requestMs,
    connectionTimeout: timeouts.connectionMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    http: { headersTimeout: timeouts.requestMs > 0 ? timeouts.requestMs : 60_000, connectionsCheckingInterval: 1_000 },
    // One access line per request (onResponse below), not fastify's two.
    // requestId: the key the pipeline's lines carry it under too (pipeline/lead-log.ts).
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    // A caller's x-request-id is kept when it looks like one, so logs join across systems.
    // Made on the first line written, not per request (lazy-logger.ts).
    childLoggerFactory: (logger, bindings, opts) =>
      lazyChild(logger as Parameters<typeof lazyChild>[0], bindings, opts),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && requestIdPattern.test(given) ? given : randomUUID();
    },
  }) as unknown as FastifyInstance;

  if (opts.onRoute) {
    const seen = opts.onRoute;
    app.addHook('onRoute', (route) => seen(route));
  }
  // Every route's zod schemas validate its input (400 bodies as parseInput's) and document it.
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app, opts.bodyLimitBytes);
  const graceful = installGracefulClose(app);
  app.decorate('closeGracefully', () => graceful.close());
  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('x-request-id', req.id);
    // Every 503 says when to come back (the error handler's, /readyz's).
    if (reply.statusCode === 503 && !reply.hasHeader('retry-after'))
      reply.header('retry-after', String(retryAfterSeconds));
    // No response body carries a credential we know, whatever the route put in it (a CRM error
    // echoing a token in /v1/admin/config/validate, say): src/redact.ts.
    return typeof payload === 'string' ? redactSecrets(payload) : payload;
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    opts.metrics.httpRequests.inc({ method: req.method, route, status: String(reply.statusCode) });
    opts.metrics.httpDuration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
    if (route !== '/metrics' && route !== '/healthz' && route !== '/readyz') {
      req.log.info(
        { method: req.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 },
        'request',
      );
    }
  });

  const limits = opts.loadShedding ?? (opts.intake ? loadSheddingFromEnv(opts.intake.env) : undefined);
  const shedding = limits ? installLoadShedding(app, limits, opts.metrics) : undefined;
  const intake = opts.intake;
  // One scope for all routes, the OpenAPI plugin first so its onRoute hook sees each of them.
  // The worker's small server (no intake) has health and metrics only, and no document.
  app.register(async (api) => {
    if (intake) await registerOpenApi(api);
    healthRoutes(api, {
      checks: opts.checks,
      isShuttingDown: opts.isShuttingDown,
      ...(opts.crmStates && { crms: opts.crmStates }),
      backlogAge: () => opts.metrics.readBacklogAge(),
      ...(shedding && { pressure: shedding.pressure }),
    });
    metricsRoute(api, opts.metrics);
    if (intake) {
      const deps: HttpDeps = { pipeline: intake.pipeline, env: intake.env, checkApiKey: apiKeyChecker(intake.apiKeys) };
      postLead(api, deps);
      webFormRoutes(api, deps, intake.webForms ?? new Map());
      leadRoutes(api, deps);
      webhookRoutes(api, deps);
      adminRoutes(api, deps);
      syncRoutes(api, deps);
      repRoutes(api, deps);
      reportRoutes(api, deps);
    }
  });
  // The admin console (pages, not API): outside the OpenAPI scope, with its own body parser and errors.
  if (intake)
    consoleRoutes(app, { pipeline: intake.pipeline, env: intake.env, checkApiKey: apiKeyChecker(intake.apiKeys) });
  return app;
}
