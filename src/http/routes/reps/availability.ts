// PUT/GET /v1/reps/:id/availability: mark a rep away (now, or until an instant) or back, without
// publishing a config. Stored and audited in Postgres, overlaid on the active config by routing
// (docs/routing.md, "Availability API").
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { getAvailability, setAvailability } from '../../../pipeline/index.js';
import type { HttpDeps } from '../../deps.js';
import { parseInput } from '../../parse.js';
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

export function availabilityRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const auth = availabilityAuth(deps);

  app.get('/v1/reps/:id/availability', async (req) => {
    const params = parseInput(availabilityParams, req.params, 'params');
    auth(req.headers, params.id, 'viewer');
    return getAvailability(deps.pipeline, params.id);
  });

  app.put('/v1/reps/:id/availability', async (req) => {
    const params = parseInput(availabilityParams, req.params, 'params');
    const by = auth(req.headers, params.id, 'editor');
    const body = parseInput(availabilityBody, req.body, 'body');
    const input = body.status === 'away' ? { status: body.status, until: body.until ? new Date(body.until) : undefined, note: body.note } : { status: body.status, note: body.note };
    const view = await setAvailability(deps.pipeline, params.id, input, by);
    req.log.info({ repId: params.id, status: body.status, until: body.status === 'away' ? body.until : undefined, by }, 'rep availability set');
    return view;
  });
}
