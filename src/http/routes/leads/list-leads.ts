import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { decodeLeadCursor, listLeadsPage } from '../../../pipeline/index.js';
import type { HttpDeps } from '../../deps.js';
import { adminToken, described, errorResponses, type ApiTypes } from '../../route-schema.js';
import type { AuthHook } from './viewer-auth.js';
import { leadListPage } from './responses.js';

export const leadListMaxLimit = 200;

const id = z.string().trim().min(1, { message: 'must not be empty' }).max(255);
const time = z.iso
  .datetime({ offset: true, message: 'an ISO 8601 date-time with offset, e.g. 2026-11-25T10:00:00Z' })
  .transform((s) => new Date(s));

const filters = {
  email: z.string().trim().min(1, { message: 'must not be empty' }).max(320).optional(),
  domain: z.string().trim().min(1, { message: 'must not be empty' }).max(255).optional(),
  owner: id.optional(),
  pool: id.optional(),
  rule: id.optional(),
  outcome: z.enum(['assigned', 'unassigned', 'skipped']).optional(),
  receivedFrom: time.optional(),
  receivedTo: time.optional(),
  routedFrom: time.optional(),
  routedTo: time.optional(),
  limit: z.coerce
    .number({ message: `a whole number from 1 to ${leadListMaxLimit}` })
    .int({ message: `a whole number from 1 to ${leadListMaxLimit}` })
    .min(1, { message: `a whole number from 1 to ${leadListMaxLimit}` })
    .max(leadListMaxLimit, { message: `at most ${leadListMaxLimit}` })
    .default(50),
  cursor: z
    .string()
    .max(200)
    .transform(
      (s, ctx) =>
        decodeLeadCursor(s) ??
        (ctx.addIssue({
          code: 'custom',
          message: 'not a cursor from a previous page (pass nextCursor as it was given)',
        }),
        z.NEVER),
    )
    .optional(),
};

// Strict: a misspelt filter (`pool_id=`) is a 400 naming it (with the known ones), never a
// silently unfiltered list; reported with the bad values in one 400. `not: {}`: the document
// says no other parameter is accepted.
const unknownParameter = `is not a parameter of this route (known: ${Object.keys(filters).join(', ')})`;
const query = z.object(filters).catchall(
  z
    .unknown()
    .refine(() => false, { message: unknownParameter })
    .meta({ not: {} }),
);

/**
 * GET /v1/leads: leads newest first (by when the lead was first stored), filtered by email,
 * domain (email or website), owner (rep id or CRM owner id), pool, rule, outcome (of the latest
 * decision) and time ranges on the latest decision's received/routed time (from inclusive, to
 * exclusive). Pages follow `nextCursor`; every lead appears once across pages.
 */
export function listLeadsRoute(app: FastifyInstance, deps: HttpDeps, auth: AuthHook): void {
  const schema = {
    tags: ['leads'],
    summary: 'List and search leads, newest first, cursor-paged',
    security: adminToken,
    querystring: query,
    response: { 200: described('one page of leads', leadListPage), ...errorResponses(400, 401, 503) },
  };
  app.withTypeProvider<ApiTypes>().get('/v1/leads', { onRequest: auth, schema }, async (req) => {
    const { limit, cursor, ...filter } = req.query;
    return listLeadsPage(deps.pipeline, filter, { after: cursor, limit });
  });
}
