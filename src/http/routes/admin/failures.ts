// Dead letters (docs/failures.md): list them (viewer) and replay them (editor).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { listFailures, replayFailures } from '../../../pipeline/index.js';
import type { HttpDeps } from '../../deps.js';
import { adminToken, described, errorResponses, type ApiTypes } from '../../route-schema.js';
import { actor, type Guard } from './guard.js';
import { failurePage, replayResult } from './responses.js';

const tags = ['failures'];
const isoTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time' }).transform((s) => new Date(s));
const filter = {
  /** route: the event could not be routed; writeback: the owner could not be written; notify: a notification could not be sent. */
  kind: z.enum(['route', 'writeback', 'notify']).optional(),
  crm: z.string().min(1).max(100).optional(),
  /** An error code of docs/errors.md, e.g. CRM_REJECTED. */
  code: z
    .string()
    .regex(/^[A-Z][A-Z_]{1,63}$/, 'must be an error code like CRM_REJECTED')
    .optional(),
  /** On the time of the last attempt. */
  since: isoTime.optional(),
  until: isoTime.optional(),
};

export const failuresQuery = z.strictObject({
  ...filter,
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().min(1).max(300).optional(),
});

export const replayBody = z.strictObject({
  ...filter,
  /** Only these rows (ids from GET /v1/admin/failures), still subject to the filters. */
  ids: z.array(z.uuid()).min(1).max(1000).optional(),
  /** Answer what would be replayed; change nothing. */
  dryRun: z.boolean().default(false),
  /** At most this many rows per call, newest failure first. */
  limit: z.number().int().min(1).max(10_000).default(1000),
});
/** No body is an empty filter: replay everything (up to `limit`). */
const everything = () => replayBody.parse({});

export function failureRoutes(server: FastifyInstance, deps: HttpDeps, guard: Guard): void {
  const app = server.withTypeProvider<ApiTypes>();
  const security = adminToken;
  app.get(
    '/v1/admin/failures',
    {
      onRequest: guard('viewer'),
      schema: {
        tags,
        security,
        summary: 'Dead letters: events and owner writes given up (horizon spent or refused for good), newest first',
        querystring: failuresQuery,
        response: { 200: described('one page of dead letters', failurePage), ...errorResponses(400, 401, 503) },
      },
    },
    async (req) => listFailures(deps.pipeline, req.query),
  );

  app.post(
    '/v1/admin/failures/replay',
    {
      onRequest: guard('editor'),
      schema: {
        tags,
        security,
        summary: 'Put dead letters back to work with a fresh retry horizon; idempotent',
        body: replayBody.optional(),
        response: {
          200: described('what was (or, dryRun, would be) replayed', replayResult),
          ...errorResponses(400, 401, 403, 415, 503),
        },
      },
    },
    async (req) => {
      const body = req.body ?? everything();
      const result = await replayFailures(deps.pipeline, body);
      if (!result.dryRun)
        req.log.info(
          {
            by: actor(req),
            replayed: result.replayed.length,
            skipped: result.skipped.length,
            filter: { ...body, ids: body.ids?.length },
          },
          'dead letters replayed',
        );
      return result;
    },
  );
}
