// Reps from the CRM through the admin API (docs/accounts.md "Reps from the CRM"), the same as
// `lead-router reps import`: GET lists the CRMs' users proposed as reps (one person per email
// across CRMs, matched to the active config's reps), changing nothing (viewer); POST makes the
// config draft and marks reps whose CRM user is deactivated away (editor).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { errors } from '../../../errors.js';
import { importReps, ownerListsOf, previewRepsImport } from '../../../pipeline/index.js';
import type { HttpDeps } from '../../deps.js';
import { adminToken, described, errorResponses, type ApiTypes } from '../../route-schema.js';
import { actor, type Guard } from './guard.js';

const tags = ['reps'];
const crmIds = z.object({ hubspot: z.string().optional(), salesforce: z.string().optional() });
const proposedRep = z.object({
  id: z.string(),
  name: z.string().optional(),
  email: z.string(),
  crmIds,
  active: z.boolean().describe('active in every CRM that has the person'),
  existing: z.string().optional().describe('the config rep this person already is (by email or a CRM id)'),
});
const proposal = z.object({ proposals: z.array(proposedRep) });
const imported = z.object({
  proposals: z.array(proposedRep),
  draftId: z.string().describe('the config draft holding the merged reps: review, validate and publish it'),
  markedAway: z.array(z.string()).describe('config reps marked away because their CRM user is deactivated'),
});

export function repsImportRoutes(server: FastifyInstance, deps: HttpDeps, guard: Guard): void {
  const app = server.withTypeProvider<ApiTypes>();
  const security = adminToken;
  const lists = () => {
    const l = ownerListsOf(deps.pipeline.connectors);
    if (Object.keys(l).length === 0) throw errors.connectorNotConfigured('hubspot or salesforce');
    return l;
  };
  app.get(
    '/v1/admin/reps/import',
    {
      onRequest: guard('viewer'),
      schema: {
        tags,
        security,
        summary:
          "The CRMs' users proposed as reps (one per email across CRMs), against the active config; changes nothing",
        response: { 200: described('the proposal', proposal), ...errorResponses(401, 404, 503) },
      },
    },
    async () => ({ proposals: (await previewRepsImport(deps.pipeline, lists())).proposals }),
  );
  app.post(
    '/v1/admin/reps/import',
    {
      onRequest: guard('editor'),
      schema: {
        tags,
        security,
        summary:
          'Make a config draft with the proposed reps merged into the active config; mark reps whose CRM user is deactivated away',
        // Nothing to send: the draft's author is the token's actor.
        body: z.strictObject({}).optional(),
        response: { 201: described('the draft made', imported), ...errorResponses(401, 403, 404, 503) },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await importReps(deps.pipeline, { author: actor(req), listOwners: lists() })),
  );
}
