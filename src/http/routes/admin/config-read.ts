// Reading the config lifecycle: the active version, the version list, who activated what, one
// version, a diff, an export.
import type { FastifyInstance } from 'fastify';
import { configAdmin } from '../../../pipeline/index.js';
import type { HttpDeps } from '../../deps.js';
import { adminToken, described, errorResponses, type ApiTypes } from '../../route-schema.js';
import type { Guard } from './guard.js';
import { activationList, activeConfig, exportText, oneVersion, versionDiff, versionList } from './responses.js';
import { diffQuery, exportQuery, listQuery, versionParams } from './schemas.js';

const tags = ['config'];
const security = adminToken;

export function configReadRoutes(server: FastifyInstance, deps: HttpDeps, guard: Guard): void {
  const app = server.withTypeProvider<ApiTypes>();
  const viewer = { onRequest: guard('viewer') };
  const pipeline = deps.pipeline;

  app.get(
    '/v1/admin/config',
    {
      ...viewer,
      schema: {
        tags,
        security,
        summary: 'The active config version and its document',
        response: { 200: described('the active version', activeConfig), ...errorResponses(401, 404, 503) },
      },
    },
    async () => configAdmin.getActiveConfigVersion(pipeline),
  );

  app.get(
    '/v1/admin/config/versions',
    {
      ...viewer,
      schema: {
        tags,
        security,
        summary: 'Published versions, newest first',
        querystring: listQuery,
        response: { 200: described('the versions', versionList), ...errorResponses(400, 401, 503) },
      },
    },
    async (req) => configAdmin.listVersions(pipeline, req.query.limit),
  );

  app.get(
    '/v1/admin/config/activations',
    {
      ...viewer,
      schema: {
        tags,
        security,
        summary: 'Who made which version active, when and why (bootstrap, publish, rollback), newest first',
        querystring: listQuery,
        response: { 200: described('the activations', activationList), ...errorResponses(400, 401, 503) },
      },
    },
    async (req) => configAdmin.listActivations(pipeline, req.query.limit),
  );

  app.get(
    '/v1/admin/config/versions/:version',
    {
      ...viewer,
      schema: {
        tags,
        security,
        summary: 'One version: document, author, message, diff',
        params: versionParams,
        response: { 200: described('the version', oneVersion), ...errorResponses(400, 401, 404, 503) },
      },
    },
    async (req) => configAdmin.getVersion(pipeline, req.params.version),
  );

  app.get(
    '/v1/admin/config/diff',
    {
      ...viewer,
      schema: {
        tags,
        security,
        summary: 'Structural diff between two versions (to defaults to the active one)',
        querystring: diffQuery,
        response: { 200: described('the changes', versionDiff), ...errorResponses(400, 401, 404, 503) },
      },
    },
    async (req) => configAdmin.diffVersions(pipeline, req.query.from, req.query.to),
  );

  const exported = {
    description: 'the document, ready to publish again',
    content: { 'application/yaml': { schema: exportText }, 'application/json': { schema: exportText } },
  };
  app.get(
    '/v1/admin/config/export',
    {
      ...viewer,
      schema: {
        tags,
        security,
        summary: 'A version (default: active) as YAML or JSON, ready to publish again',
        querystring: exportQuery,
        response: { 200: exported, ...errorResponses(400, 401, 404, 503) },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const { version, text } = await configAdmin.exportConfig(pipeline, q);
      return reply
        .header(
          'content-type',
          q.format === 'json' ? 'application/json; charset=utf-8' : 'application/yaml; charset=utf-8',
        )
        .header('content-disposition', `inline; filename="lead-router-config-v${version}.${q.format}"`)
        .header('x-config-version', String(version))
        .send(text);
    },
  );
}
