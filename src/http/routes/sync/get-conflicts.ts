import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { listConflictsView } from '../../../pipeline/index.js';
import type { HttpDeps } from '../../deps.js';
import { parseInput } from '../../parse.js';
import type { AuthHook } from './auth.js';

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
  app.get('/v1/conflicts', { onRequest: auth }, async (req) => {
    const q = parseInput(query, req.query, 'query');
    return listConflictsView(deps.pipeline, q);
  });
}
