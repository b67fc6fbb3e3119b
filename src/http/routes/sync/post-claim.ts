import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { claimLead } from '../../../pipeline/index.js';
import type { HttpDeps } from '../../deps.js';
import { parseInput } from '../../parse.js';
import { claimAuth } from './auth.js';
import { leadIdParams } from './get-lead-history.js';

const body = z
  .object({
    /** Who claimed, as the calling system knows them (a user, a dialer); recorded with the claim. */
    by: z.string().trim().min(1).max(200).optional(),
  })
  .strict()
  .optional();

/** POST /v1/leads/:id/claim: another system says the lead is being worked; its SLA timer ends. */
export function postClaimRoute(app: FastifyInstance, deps: HttpDeps): void {
  const authenticate = claimAuth(deps);
  app.post('/v1/leads/:id/claim', async (req) => {
    const caller = authenticate(req.headers);
    const { id } = parseInput(leadIdParams, req.params, 'params');
    const b = parseInput(body, req.body ?? undefined, 'body');
    return claimLead(deps.pipeline, id, b?.by ? `${caller}:${b.by}` : caller);
  });
}
