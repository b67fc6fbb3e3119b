import type { FastifyInstance } from 'fastify';
import { getLeadView } from '../../../pipeline/index.js';
import type { HttpDeps } from '../../deps.js';
import { parseInput } from '../../parse.js';
import type { AuthHook } from './viewer-auth.js';
import { leadParams } from './lead-params.js';

/** GET /v1/leads/:id: the canonical lead, its current owner, and every assignment it had. */
export function getLeadRoute(app: FastifyInstance, deps: HttpDeps, auth: AuthHook): void {
  app.get('/v1/leads/:id', { onRequest: auth }, async (req) => {
    const { id } = parseInput(leadParams, req.params, 'params');
    return getLeadView(deps.pipeline, id);
  });
}
