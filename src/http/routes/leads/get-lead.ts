import type { FastifyInstance } from 'fastify';
import { getLeadView, pendingLeadView, resolveLeadRef } from '../../../pipeline/index.js';
import type { HttpDeps } from '../../deps.js';
import { adminToken, described, errorResponses, type ApiTypes } from '../../route-schema.js';
import type { AuthHook } from './viewer-auth.js';
import { leadParams } from './lead-params.js';
import { leadView, pendingLead } from './responses.js';

/**
 * GET /v1/leads/:id: the canonical lead, its current owner, and every assignment it had. `:id` is
 * any id form (lead id, event id, source:idempotencyKey, crm:objectType:recordId);
 * Content-Location names the lead by its own id. An event not routed yet is a 202 with its status.
 */
export function getLeadRoute(app: FastifyInstance, deps: HttpDeps, auth: AuthHook): void {
  const schema = {
    tags: ['leads'],
    summary:
      'A lead, its owner and every assignment; :id is a lead id, event id, source:idempotencyKey or crm:objectType:recordId',
    security: adminToken,
    params: leadParams,
    response: {
      200: described('the lead (Content-Location names it by its own id)', leadView),
      202: described('the event is stored but not routed yet', pendingLead),
      ...errorResponses(400, 401, 404, 503),
    },
  };
  app.withTypeProvider<ApiTypes>().get('/v1/leads/:id', { onRequest: auth, schema }, async (req, reply) => {
    const found = await resolveLeadRef(deps.pipeline, req.params.id);
    if (found.kind === 'pending') return reply.code(202).send(pendingLeadView(found.event));
    return reply
      .header('content-location', `/v1/leads/${found.leadId}`)
      .send(await getLeadView(deps.pipeline, found.leadId));
  });
}
