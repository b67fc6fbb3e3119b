import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { ingestApiLead } from '../../pipeline/index.js';
import type { HttpDeps } from '../deps.js';
import { logEventIds } from '../log-ids.js';
import { described, errorResponses, intakeKey, type ApiTypes } from '../route-schema.js';

const text = z.string().trim().min(1).max(500);
const scalar = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]);

// Known fields are typed; any other scalar is accepted and reported by the mapping as unused.
export const leadInput = z
  .object({
    externalId: z.string().min(1).max(200).optional(),
    email: z.string().trim().email().max(320).optional(),
    firstName: text.optional(),
    lastName: text.optional(),
    phone: text.optional(),
    company: text.optional(),
    website: text.optional(),
    country: text.optional(),
    region: text.optional(),
    postalCode: text.optional(),
    city: text.optional(),
    industry: text.optional(),
    employeeCount: z.number().int().nonnegative().optional(),
    annualRevenue: z.number().nonnegative().optional(),
    leadSource: text.optional(),
    campaign: text.optional(),
    productInterest: z.array(text).max(50).optional(),
    score: z.number().finite().optional(),
    priority: text.optional(),
    language: text.optional(),
    custom: z.record(z.string(), scalar).optional(),
  })
  .catchall(scalar)
  .refine((l) => l.email !== undefined || l.phone !== undefined, {
    message: 'a lead needs an email or a phone',
    path: ['email'],
  });

export const postLeadBody = z.object({
  source: z.string().trim().min(1).max(100),
  idempotencyKey: z.string().min(8).max(200),
  lead: leadInput,
});

export const intakeAck = z.object({
  eventId: z.uuid().describe('the id GET /v1/leads/:id takes (resolved to the lead once routed)'),
  status: z.enum(['accepted', 'duplicate']),
  leadUrl: z.string().describe('where the lead and its decision are read; also the Location header'),
});

export function postLead(app: FastifyInstance, deps: HttpDeps): void {
  const schema = {
    tags: ['intake'],
    summary: 'Take a lead: stored before the answer, routed asynchronously',
    security: intakeKey,
    body: postLeadBody,
    response: {
      202: described('stored; routing follows (Location: the lead URL)', intakeAck),
      200: described('this source:idempotencyKey was already taken; nothing new stored', intakeAck),
      ...errorResponses(400, 401, 413, 415, 503),
    },
  };
  app
    .withTypeProvider<ApiTypes>()
    .post('/v1/leads', { onRequest: async (req) => deps.checkApiKey(req.headers), schema }, async (req, reply) => {
      const { eventId, duplicate } = await ingestApiLead(deps.pipeline, req.body, { requestId: req.id }); // stored before we answer
      logEventIds(req, [eventId]);
      // The lead row exists only once routing ran (asynchronously), so the id a client gets is the
      // event's: GET /v1/leads/:id resolves it to the lead, or answers 202 with the event's status.
      const leadUrl = leadUrlOf(eventId);
      return reply
        .code(duplicate ? 200 : 202)
        .header('location', leadUrl)
        .send({ eventId, status: duplicate ? 'duplicate' : 'accepted', leadUrl });
    });
}

/** Where GET /v1/leads/:id answers for an event (relative to this server, as Location allows). */
export const leadUrlOf = (eventId: string) => `/v1/leads/${eventId}`;
