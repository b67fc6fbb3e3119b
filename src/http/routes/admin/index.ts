// Admin API: config drafts, validation, publish, rollback, diff, export; dead letters; bulk jobs; the account mirror's syncs; erasures.
// Documented with every other route (src/http/openapi.ts).
import type { FastifyInstance } from 'fastify';
import { adminAuthChecker } from '../../admin-auth.js';
import type { HttpDeps } from '../../deps.js';
import { registerRouteGroups } from '../../route-groups.js';
import { bulkJobRoutes } from './bulk-jobs.js';
import { accountRoutes } from './accounts.js';
import { repsImportRoutes } from './reps-import.js';
import { configReadRoutes } from './config-read.js';
import { configWriteRoutes } from './config-write.js';
import { draftRoutes } from './drafts.js';
import { erasureRoutes } from './erasures.js';
import { failureRoutes } from './failures.js';
import type { Guard } from './guard.js';

export function adminRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const check = adminAuthChecker(deps.env.ADMIN_TOKENS);
  // Viewer reads, editor writes: 401 without a valid token, 403 for a viewer asking to write.
  const guard: Guard = (needs) => async (req) => {
    req.adminWho = check(req.headers, needs).who;
  };
  registerRouteGroups(app, deps, guard, [
    configReadRoutes,
    configWriteRoutes,
    draftRoutes,
    failureRoutes,
    bulkJobRoutes,
    accountRoutes,
    repsImportRoutes,
    erasureRoutes,
  ]);
}
