import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { listConflictsView } from '../../../pipeline/index.js';
import type { HttpDeps } from '../../deps.js';
import { adminToken, described, errorResponses, type ApiTypes } from '../../route-schema.js';
import type { AuthHook } from './auth.js';
import { conflictPage } from './responses.js';

const isoTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time' }).transform((s) => new Date(s));

const query = z.object({
  leadId: z.uuid({ message: 'must be a lead id (uuid)' }).optional(),
  crm: z.string().min(1).optional(),
  recordId: z.string().min(1).optional(),
  policy: z.enum(['crm_wins', 'router_wins', 'lock_window']).optional(),
  outcome: z.enum(['adopted', 'adopted_after_window', 'reverted', 'gave_up_adopted']).optional(),
  changedBy: z.string().min(1).optional(),
  since: isoTime.optional(),
  until: isoTime.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(200).optional(),
});

/** GET /v1/conflicts: a person's reassignments and what the policy did, newest first, keyset-paged. */
export function getConflictsRoute(app: FastifyInstance, deps: HttpDeps, auth: AuthHook): void {
  const schema = {
    tags: ['sync'],
    summary: "A person's reassignments in the CRM and what the policy did, newest first",
    security: adminToken,
    querystring: query,
    response: { 200: described('one page of conflicts', conflictPage), ...errorResponses(400, 401, 503) },
  };
  app
    .withTypeProvider<ApiTypes>()
    .get('/v1/conflicts', { onRequest: auth, schema }, async (req) => listConflictsView(deps.pipeline, req.query));
}
