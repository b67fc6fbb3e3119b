// Changing the config: validate (writes nothing), publish (a new immutable version, made
// active), rollback (the pointer moves to an existing version). Editors only.
import type { FastifyInstance } from 'fastify';
import { configAdmin } from '../../../pipeline/index.js';
import type { HttpDeps } from '../../deps.js';
import { adminToken, described, errorResponses, type ApiTypes } from '../../route-schema.js';
import { actor, type Guard } from './guard.js';
import { published, rolledBack, validation } from './responses.js';
import { publishBody, rollbackBody, validateBody } from './schemas.js';

const tags = ['config'];
const security = adminToken;

export function configWriteRoutes(server: FastifyInstance, deps: HttpDeps, guard: Guard): void {
  const app = server.withTypeProvider<ApiTypes>();
  const editor = { onRequest: guard('editor') };
  const pipeline = deps.pipeline;

  // Validation writes nothing, so a viewer may run it too.
  app.post(
    '/v1/admin/config/validate',
    {
      onRequest: guard('viewer'),
      schema: {
        tags,
        security,
        summary: 'Validate a document or a draft: schema, references, CRM schema (writes nothing)',
        body: validateBody,
        response: {
          200: described('valid, or every problem found', validation),
          ...errorResponses(400, 401, 404, 413, 415, 503),
        },
      },
    },
    async (req) => {
      const body = req.body;
      const document = body.draftId ? (await configAdmin.getDraft(pipeline, body.draftId)).document : body.document;
      const result = await configAdmin.validateConfig(pipeline, document);
      // Warnings never make a document invalid; an invalid one is not linted (fix the errors first).
      return result.ok
        ? { valid: true, errors: [], warnings: result.warnings }
        : { valid: false, errors: result.errors, warnings: [] };
    },
  );

  app.post(
    '/v1/admin/config/publish',
    {
      ...editor,
      schema: {
        tags,
        security,
        summary:
          'Publish a document or a draft as a new version and make it active (422 CONFIG_INVALID if it does not validate)',
        body: publishBody,
        response: {
          201: described('published and active', published),
          ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 503),
        },
      },
    },
    async (req, reply) => {
      const body = req.body;
      const common = {
        message: body.message,
        author: actor(req, body.author),
        ...(body.baseVersion !== undefined && { baseVersion: body.baseVersion }),
      };
      const done = await configAdmin.publishConfig(
        pipeline,
        body.draftId ? { ...common, draftId: body.draftId } : { ...common, document: body.document },
      );
      req.log.info(
        { version: done.version, author: done.author, changes: done.diff.changes.length },
        'config published',
      );
      return reply.code(201).send(done);
    },
  );

  app.post(
    '/v1/admin/config/rollback',
    {
      ...editor,
      schema: {
        tags,
        security,
        summary: 'Make an existing version active again',
        body: rollbackBody,
        response: {
          200: described('the active version now', rolledBack),
          ...errorResponses(400, 401, 403, 404, 415, 422, 503),
        },
      },
    },
    async (req) => {
      const body = req.body;
      const moved = await configAdmin.rollbackConfig(pipeline, {
        version: body.version,
        who: actor(req),
        ...(body.message !== undefined && { message: body.message }),
      });
      // The pointer has no column for who moved it (yet): the log line is the record of who.
      req.log.info(
        { version: moved.version, previousVersion: moved.previousVersion, by: moved.by, message: moved.message },
        'config rolled back',
      );
      return moved;
    },
  );
}
