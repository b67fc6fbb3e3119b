import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { getLeadHistory } from '../../../pipeline/index.js';
import type { HttpDeps } from '../../deps.js';
import { adminToken, described, errorResponses, type ApiTypes } from '../../route-schema.js';
import type { AuthHook } from './auth.js';
import { leadHistory } from './responses.js';

export const leadIdParams = z.object({ id: z.uuid({ message: 'must be a lead id (uuid)' }) });

/** GET /v1/leads/:id/history: the lead's ownership timeline (routed, written, confirmed, changed, adopted/reverted, SLA). */
export function getLeadHistoryRoute(app: FastifyInstance, deps: HttpDeps, auth: AuthHook): void {
  const schema = {
    tags: ['sync'],
    summary: "A lead's ownership timeline: routed, written, confirmed, changed in the CRM, adopted or reverted, SLA",
    security: adminToken,
    params: leadIdParams,
    response: { 200: described('the timeline, oldest first', leadHistory), ...errorResponses(400, 401, 404, 503) },
  };
  app
    .withTypeProvider<ApiTypes>()
    .get('/v1/leads/:id/history', { onRequest: auth, schema }, async (req) =>
      getLeadHistory(deps.pipeline, req.params.id),
    );
}
