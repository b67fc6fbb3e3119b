import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../../deps.js';
import { getLeadDecisionRoute } from './get-lead-decision.js';
import { getLeadRoute } from './get-lead.js';
import { listLeadsRoute } from './list-leads.js';
import { postRoutePreview } from './post-route-preview.js';
import { viewerAuth } from './viewer-auth.js';

/**
 * Lead read APIs (a lead and its history, its decision explained) and route preview. They show
 * lead data and routing config, so they take an admin token; viewer is enough, none writes.
 */
export function leadRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const auth = viewerAuth(deps);
  listLeadsRoute(app, deps, auth);
  getLeadRoute(app, deps, auth);
  getLeadDecisionRoute(app, deps, auth);
  postRoutePreview(app, deps, auth);
}
