// Config drafts: documents being edited. Any document shape is stored (it may be half done);
// validate and diff on request, publish through POST /v1/admin/config/publish { draftId }.
import type { FastifyInstance } from 'fastify';
import { configAdmin } from '../../../pipeline/index.js';
import type { HttpDeps } from '../../deps.js';
import { parseInput } from '../../parse.js';
import { actor, type Guard } from './guard.js';
import { jsonSchema } from './openapi.js';
import { createDraftBody, draftParams, listQuery, updateDraftBody } from './schemas.js';

const tags = ['drafts'];
const base = '/v1/admin/config/drafts';

export function draftRoutes(app: FastifyInstance, deps: HttpDeps, guard: Guard): void {
  const viewer = { onRequest: guard('viewer') };
  const editor = { onRequest: guard('editor') };
  const pipeline = deps.pipeline;
  const params = jsonSchema(draftParams);

  app.get(base, { ...viewer, schema: { tags, summary: 'Drafts, most recently edited first', querystring: jsonSchema(listQuery) } }, async (req) => {
    const q = parseInput(listQuery, req.query, 'query');
    return { drafts: await configAdmin.listDrafts(pipeline, q.limit) };
  });

  app.post(base, { ...editor, schema: { tags, summary: 'Create a draft (based on the active version)', body: jsonSchema(createDraftBody) } }, async (req, reply) => {
    const body = parseInput(createDraftBody, req.body, 'body');
    return reply.code(201).send(await configAdmin.createDraft(pipeline, { ...body, author: actor(req) }));
  });

  app.get(`${base}/:id`, { ...viewer, schema: { tags, summary: 'One draft with its document', params } }, async (req) => {
    const p = parseInput(draftParams, req.params, 'params');
    return configAdmin.getDraft(pipeline, p.id);
  });

  app.put(`${base}/:id`, { ...editor, schema: { tags, summary: 'Replace a draft’s name and/or document', params, body: jsonSchema(updateDraftBody) } }, async (req) => {
    const p = parseInput(draftParams, req.params, 'params');
    const body = parseInput(updateDraftBody, req.body, 'body');
    return configAdmin.updateDraft(pipeline, p.id, body);
  });

  app.delete(`${base}/:id`, { ...editor, schema: { tags, summary: 'Delete a draft', params } }, async (req, reply) => {
    const p = parseInput(draftParams, req.params, 'params');
    await configAdmin.deleteDraft(pipeline, p.id);
    return reply.code(204).send();
  });

  app.get(`${base}/:id/diff`, { ...viewer, schema: { tags, summary: 'What publishing this draft would change against the active version', params } }, async (req) => {
    const p = parseInput(draftParams, req.params, 'params');
    return configAdmin.diffDraft(pipeline, p.id);
  });
}
