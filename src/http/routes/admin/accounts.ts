// The account mirror (docs/accounts.md): start a sync of one CRM in the background (editor) and
// see where every sync stands (viewer). The same sync as `lead-router accounts sync`.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { errors } from '../../../errors.js';
import { accountSyncStatus, startAccountSync } from '../../../pipeline/index.js';
import type { HttpDeps } from '../../deps.js';
import { adminToken, described, errorResponses, type ApiTypes } from '../../route-schema.js';
import type { Guard } from './guard.js';

const tags = ['accounts'];

export const accountSyncBody = z.strictObject({
  crm: z.enum(['hubspot', 'salesforce']),
  /** Read everything and mark accounts the CRM no longer has as deleted; default: changes since the last run (everything the first time). */
  full: z.boolean().default(false),
});

const syncStart = z.object({ crm: z.string(), started: z.boolean(), alreadyRunning: z.boolean() });

const syncStatus = z.object({
  accounts: z.array(z.object({ crm: z.string(), live: z.number().int(), deleted: z.number().int() })),
  /** Contacts and leads the people mirror holds with an email (existingOwner), per CRM and kind. */
  people: z.array(z.object({ crm: z.string(), kind: z.enum(['contact', 'lead']), live: z.number().int() })),
  syncs: z.array(
    z.object({
      crm: z.string(),
      object: z.enum(['accounts', 'contacts', 'team', 'leads']),
      mode: z.enum(['full', 'incremental']),
      status: z.enum(['running', 'done', 'failed']),
      cursor: z.string().nullable(),
      watermark: z.string().nullable(),
      runWatermark: z.string().nullable(),
      loaded: z.number().int(),
      calls: z.number().int(),
      lastError: z.string().nullable(),
      startedAt: z.string(),
      finishedAt: z.string().nullable(),
      updatedAt: z.string(),
      runningHere: z.boolean(),
    }),
  ),
});

export function accountRoutes(server: FastifyInstance, deps: HttpDeps, guard: Guard): void {
  const app = server.withTypeProvider<ApiTypes>();
  const security = adminToken;
  app.post(
    '/v1/admin/accounts/sync',
    {
      onRequest: guard('editor'),
      schema: {
        tags,
        security,
        summary:
          'Start a sync of one CRM into the account mirror, in the background (resumes an interrupted one); one at a time per CRM',
        body: accountSyncBody,
        response: {
          202: described('started, or already running', syncStart),
          ...errorResponses(400, 401, 403, 404, 503),
        },
      },
    },
    async (req, reply) => {
      if (!deps.pipeline.connectors[req.body.crm]?.accounts) throw errors.connectorNotConfigured(req.body.crm);
      return reply.code(202).send(startAccountSync(deps.pipeline, req.body.crm, req.body.full));
    },
  );
  app.get(
    '/v1/admin/accounts/sync',
    {
      onRequest: guard('viewer'),
      schema: {
        tags,
        security,
        summary: 'Where each CRM sync of the account mirror stands, and how many accounts the mirror holds',
        response: { 200: described('the mirror and its syncs', syncStatus), ...errorResponses(401, 503) },
      },
    },
    async () => accountSyncStatus(deps.pipeline),
  );
}
