// Admin API: config drafts, validation, publish, rollback, diff, export; dead letters; OpenAPI at /docs.
// Everything is registered in one encapsulated scope, so swagger documents only these routes
// and its docs-only validator settings reach nothing else.
import type { FastifyInstance } from 'fastify';
import { adminAuthChecker } from '../../admin-auth.js';
import type { HttpDeps } from '../../deps.js';
import { configReadRoutes } from './config-read.js';
import { configWriteRoutes } from './config-write.js';
import { draftRoutes } from './drafts.js';
import { failureRoutes } from './failures.js';
import type { Guard } from './guard.js';
import { registerOpenApi } from './openapi.js';

export function adminRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const check = adminAuthChecker(deps.env.ADMIN_TOKENS);
  // Viewer reads, editor writes: 401 without a valid token, 403 for a viewer asking to write.
  const guard: Guard = (needs) => async (req) => {
    req.adminWho = check(req.headers, needs).who;
  };
  app.register(async (scope) => {
    await registerOpenApi(scope);
    configReadRoutes(scope, deps, guard);
    configWriteRoutes(scope, deps, guard);
    draftRoutes(scope, deps, guard);
    failureRoutes(scope, deps, guard);
  });
}
