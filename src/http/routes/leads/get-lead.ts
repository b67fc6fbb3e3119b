import type { FastifyInstance } from 'fastify';
import { getLeadView, pendingLeadView, resolveLeadRef } from '../../../pipeline/index.js';
import type { HttpDeps } from '../../deps.js';
import { parseInput } from '../../parse.js';
import type { AuthHook } from './viewer-auth.js';
import { leadParams } from './lead-params.js';

/**
 * GET /v1/leads/:id: the canonical lead, its current owner, and every assignment it had. `:id` is
 * any id form (lead id, event id, source:idempotencyKey, crm:objectType:recordId);
 * Content-Location names the lead by its own id. An event not routed yet is a 202 with its status.
 */
export function getLeadRoute(app: FastifyInstance, deps: HttpDeps, auth: AuthHook): void {
  app.get('/v1/leads/:id', { onRequest: auth }, async (req, reply) => {
    const { id } = parseInput(leadParams, req.params, 'params');
    const found = await resolveLeadRef(deps.pipeline, id);
    if (found.kind === 'pending') return reply.code(202).send(pendingLeadView(found.event));
    return reply.header('content-location', `/v1/leads/${found.leadId}`).send(await getLeadView(deps.pipeline, found.leadId));
  });
}
