// Config drafts: documents being edited. Any document shape is stored (it may be half done);
// validate and diff on request, publish through POST /v1/admin/config/publish { draftId }.
import type { FastifyInstance } from 'fastify';
import { configAdmin } from '../../../pipeline/index.js';
import type { HttpDeps } from '../../deps.js';
import { adminToken, described, errorResponses, type ApiTypes } from '../../route-schema.js';
import { actor, type Guard } from './guard.js';
import { deleted, draft, draftDiff, draftList } from './responses.js';
import { createDraftBody, draftParams, listQuery, updateDraftBody } from './schemas.js';

const tags = ['drafts'];
const security = adminToken;
const base = '/v1/admin/config/drafts';

export function draftRoutes(server: FastifyInstance, deps: HttpDeps, guard: Guard): void {
  const app = server.withTypeProvider<ApiTypes>();
  const viewer = { onRequest: guard('viewer') };
  const editor = { onRequest: guard('editor') };
  const pipeline = deps.pipeline;
  const params = draftParams;

  app.get(
    base,
    {
      ...viewer,
      schema: {
        tags,
        security,
        summary: 'Drafts, most recently edited first',
        querystring: listQuery,
        response: { 200: described('the drafts (without documents)', draftList), ...errorResponses(400, 401, 503) },
      },
    },
    async (req) => ({
      drafts: await configAdmin.listDrafts(pipeline, req.query.limit),
    }),
  );

  app.post(
    base,
    {
      ...editor,
      schema: {
        tags,
        security,
        summary: 'Create a draft (based on the active version)',
        body: createDraftBody,
        response: { 201: described('the draft', draft), ...errorResponses(400, 401, 403, 413, 415, 503) },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await configAdmin.createDraft(pipeline, { ...req.body, author: actor(req) })),
  );

  app.get(
    `${base}/:id`,
    {
      ...viewer,
      schema: {
        tags,
        security,
        summary: 'One draft with its document',
        params,
        response: { 200: described('the draft', draft), ...errorResponses(400, 401, 404, 503) },
      },
    },
    async (req) => configAdmin.getDraft(pipeline, req.params.id),
  );

  app.put(
    `${base}/:id`,
    {
      ...editor,
      schema: {
        tags,
        security,
        summary: 'Replace a draft’s name and/or document',
        params,
        body: updateDraftBody,
        response: { 200: described('the draft', draft), ...errorResponses(400, 401, 403, 404, 413, 415, 503) },
      },
    },
    async (req) => configAdmin.updateDraft(pipeline, req.params.id, req.body),
  );

  app.delete(
    `${base}/:id`,
    {
      ...editor,
      schema: {
        tags,
        security,
        summary: 'Delete a draft',
        params,
        response: { 204: deleted, ...errorResponses(400, 401, 403, 404, 503) },
      },
    },
    async (req, reply) => {
      await configAdmin.deleteDraft(pipeline, req.params.id);
      return reply.code(204).send();
    },
  );

  app.get(
    `${base}/:id/diff`,
    {
      ...viewer,
      schema: {
        tags,
        security,
        summary: 'What publishing this draft would change against the active version',
        params,
        response: { 200: described('the changes', draftDiff), ...errorResponses(400, 401, 404, 503) },
      },
    },
    async (req) => configAdmin.diffDraft(pipeline, req.params.id),
  );
}
