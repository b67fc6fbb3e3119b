import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../../deps.js';
import { viewerOnly } from './auth.js';
import { getConflictsRoute } from './get-conflicts.js';
import { getLeadHistoryRoute } from './get-lead-history.js';
import { postClaimRoute } from './post-claim.js';

/**
 * Two-way ownership sync (docs/sync.md): the conflict log and a lead's ownership timeline (admin
 * viewer token), and explicit claims from other systems (intake API key or admin editor token).
 */
export function syncRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const auth = viewerOnly(deps);
  getConflictsRoute(app, deps, auth);
  getLeadHistoryRoute(app, deps, auth);
  postClaimRoute(app, deps);
}
