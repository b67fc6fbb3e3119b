import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { getLeadHistory } from '../../../pipeline/index.js';
import type { HttpDeps } from '../../deps.js';
import { parseInput } from '../../parse.js';
import type { AuthHook } from './auth.js';

export const leadIdParams = z.object({ id: z.uuid({ message: 'must be a lead id (uuid)' }) });

/** GET /v1/leads/:id/history: the lead's ownership timeline (routed, written, confirmed, changed, adopted/reverted, SLA). */
export function getLeadHistoryRoute(app: FastifyInstance, deps: HttpDeps, auth: AuthHook): void {
  app.get('/v1/leads/:id/history', { onRequest: auth }, async (req) => {
    const { id } = parseInput(leadIdParams, req.params, 'params');
    return getLeadHistory(deps.pipeline, id);
  });
}
