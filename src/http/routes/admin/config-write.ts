// Changing the config: validate (writes nothing), publish (a new immutable version, made
// active), rollback (the pointer moves to an existing version). Editors only.
import type { FastifyInstance } from 'fastify';
import { configAdmin } from '../../../pipeline/index.js';
import type { HttpDeps } from '../../deps.js';
import { parseInput } from '../../parse.js';
import { actor, type Guard } from './guard.js';
import { jsonSchema } from './openapi.js';
import { publishBody, rollbackBody, validateBody } from './schemas.js';

const tags = ['config'];

export function configWriteRoutes(app: FastifyInstance, deps: HttpDeps, guard: Guard): void {
  const editor = { onRequest: guard('editor') };
  const pipeline = deps.pipeline;

  // Validation writes nothing, so a viewer may run it too.
  app.post('/v1/admin/config/validate', { onRequest: guard('viewer'), schema: { tags, summary: 'Validate a document or a draft: schema, references, CRM schema', body: jsonSchema(validateBody) } }, async (req) => {
    const body = parseInput(validateBody, req.body, 'body');
    const document = body.draftId ? (await configAdmin.getDraft(pipeline, body.draftId)).document : body.document;
    const result = await configAdmin.validateConfig(pipeline, document);
    return result.ok ? { valid: true, errors: [] } : { valid: false, errors: result.errors };
  });

  app.post('/v1/admin/config/publish', { ...editor, schema: { tags, summary: 'Publish a document or a draft as a new version and make it active (422 CONFIG_INVALID if it does not validate)', body: jsonSchema(publishBody) } }, async (req, reply) => {
    const body = parseInput(publishBody, req.body, 'body');
    const common = { message: body.message, author: actor(req, body.author), ...(body.baseVersion !== undefined && { baseVersion: body.baseVersion }) };
    const published = await configAdmin.publishConfig(pipeline, body.draftId ? { ...common, draftId: body.draftId } : { ...common, document: body.document });
    req.log.info({ version: published.version, author: published.author, changes: published.diff.changes.length }, 'config published');
    return reply.code(201).send(published);
  });

  app.post('/v1/admin/config/rollback', { ...editor, schema: { tags, summary: 'Make an existing version active again', body: jsonSchema(rollbackBody) } }, async (req) => {
    const body = parseInput(rollbackBody, req.body, 'body');
    const moved = await configAdmin.rollbackConfig(pipeline, { version: body.version, who: actor(req), ...(body.message !== undefined && { message: body.message }) });
    // The pointer has no column for who moved it (yet): the log line is the record of who.
    req.log.info({ version: moved.version, previousVersion: moved.previousVersion, by: moved.by, message: moved.message }, 'config rolled back');
    return moved;
  });
}
