// PUT/GET /v1/reps/:id/availability: mark a rep away (now, or until an instant) or back, without
// publishing a config. Stored and audited in Postgres, overlaid on the active config by routing
// (docs/routing.md, "Availability API").
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { getAvailability, setAvailability } from '../../../pipeline/index.js';
import type { HttpDeps } from '../../deps.js';
import { adminToken, described, errorResponses, type ApiTypes } from '../../route-schema.js';
import { id } from '../../../routing/index.js';
import { availabilityAuth } from './availability-auth.js';

export const availabilityParams = z.strictObject({ id });

const note = z.string().min(1).max(500).optional();
/** away: now, until `until` (exclusive) or until marked back; back: available again as the config says. */
export const availabilityBody = z.discriminatedUnion(
  'status',
  [
    z.strictObject({ status: z.literal('away'), until: z.iso.datetime({ offset: true }).optional(), note }),
    z.strictObject({ status: z.literal('back'), note }),
  ],
  { error: 'status is "away" or "back"' },
);

const view = z
  .object({
    repId: z.string(),
    effective: z.enum(['away', 'as_configured']).describe('what routing does with this rep now'),
    status: z
      .object({
        status: z.enum(['away', 'back']),
        since: z.string(),
        until: z.string().optional(),
        note: z.string().optional(),
        by: z.string(),
      })
      .loose()
      .nullable()
      .describe('the stored status (null: never set)'),
    changes: z.array(z.object({}).loose()).describe('the latest changes, newest first (who, when, what it replaced)'),
  })
  .loose();

export function availabilityRoutes(server: FastifyInstance, deps: HttpDeps): void {
  const app = server.withTypeProvider<ApiTypes>();
  const auth = availabilityAuth(deps);
  // The caller is known (or refused: 401/403) before the input is judged; a rep token is checked
  // against the path's rep id as routed, the same string the params schema then validates.
  const callers = new WeakMap<FastifyRequest, string>();
  const authorize = (needs: 'viewer' | 'editor') => async (req: FastifyRequest) =>
    void callers.set(req, auth(req.headers, String((req.params as { id?: unknown }).id ?? ''), needs));
  const common = {
    tags: ['reps'],
    security: adminToken /* or the rep's own token (REP_TOKENS), sent the same way */,
    params: availabilityParams,
  };

  app.get(
    '/v1/reps/:id/availability',
    {
      onRequest: authorize('viewer'),
      schema: {
        ...common,
        summary: "A rep's availability set through the API, and its audit trail",
        response: { 200: described("the rep's status", view), ...errorResponses(400, 401, 403, 404, 503) },
      },
    },
    async (req) => getAvailability(deps.pipeline, req.params.id),
  );

  app.put(
    '/v1/reps/:id/availability',
    {
      onRequest: authorize('editor'),
      schema: {
        ...common,
        summary: 'Mark a rep away (now, or until an instant, exclusive) or back, without publishing a config; audited',
        body: availabilityBody,
        response: {
          200: described("the rep's status after the change", view),
          ...errorResponses(400, 401, 403, 404, 415, 503),
        },
      },
    },
    async (req) => {
      const by = callers.get(req)!;
      const body = req.body;
      const input =
        body.status === 'away'
          ? { status: body.status, until: body.until ? new Date(body.until) : undefined, note: body.note }
          : { status: body.status, note: body.note };
      const result = await setAvailability(deps.pipeline, req.params.id, input, by);
      req.log.info(
        { repId: req.params.id, status: body.status, until: body.status === 'away' ? body.until : undefined, by },
        'rep availability set',
      );
      return result;
    },
  );
}
