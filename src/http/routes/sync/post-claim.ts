import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { claimLead } from '../../../pipeline/index.js';
import type { HttpDeps } from '../../deps.js';
import { described, errorResponses, intakeKeyOrAdminToken, type ApiTypes } from '../../route-schema.js';
import { claimAuth } from './auth.js';
import { leadIdParams } from './get-lead-history.js';
import { claimResult } from './responses.js';

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
  // Who claimed, from onRequest: the caller is known (or refused, 401) before the input is judged.
  const callers = new WeakMap<FastifyRequest, string>();
  const schema = {
    tags: ['sync'],
    summary: 'Another system says the lead is being worked: its SLA timer ends',
    security: intakeKeyOrAdminToken,
    params: leadIdParams,
    body,
    response: {
      200: described('the claim, and the SLA timers it ended', claimResult),
      ...errorResponses(400, 401, 403, 404, 415, 503),
    },
  };
  app
    .withTypeProvider<ApiTypes>()
    .post(
      '/v1/leads/:id/claim',
      { onRequest: async (req) => void callers.set(req, authenticate(req.headers)), schema },
      async (req) => {
        const caller = callers.get(req)!;
        const b = req.body;
        return claimLead(deps.pipeline, req.params.id, b?.by ? `${caller}:${b.by}` : caller);
      },
    );
}
