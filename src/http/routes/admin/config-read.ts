// Reading the config lifecycle: the active version, the version list, who activated what, one
// version, a diff, an export.
import type { FastifyInstance } from 'fastify';
import { configAdmin } from '../../../pipeline/index.js';
import type { HttpDeps } from '../../deps.js';
import { parseInput } from '../../parse.js';
import type { Guard } from './guard.js';
import { jsonSchema } from './openapi.js';
import { diffQuery, exportQuery, listQuery, versionParams } from './schemas.js';

const tags = ['config'];

export function configReadRoutes(app: FastifyInstance, deps: HttpDeps, guard: Guard): void {
  const viewer = { onRequest: guard('viewer') };
  const pipeline = deps.pipeline;

  app.get('/v1/admin/config', { ...viewer, schema: { tags, summary: 'The active config version and its document' } }, async () => configAdmin.getActiveConfigVersion(pipeline));

  app.get('/v1/admin/config/versions', { ...viewer, schema: { tags, summary: 'Published versions, newest first', querystring: jsonSchema(listQuery) } }, async (req) => {
    const q = parseInput(listQuery, req.query, 'query');
    return configAdmin.listVersions(pipeline, q.limit);
  });

  app.get('/v1/admin/config/activations', { ...viewer, schema: { tags, summary: 'Who made which version active, when and why (bootstrap, publish, rollback), newest first', querystring: jsonSchema(listQuery) } }, async (req) => {
    const q = parseInput(listQuery, req.query, 'query');
    return configAdmin.listActivations(pipeline, q.limit);
  });

  app.get('/v1/admin/config/versions/:version', { ...viewer, schema: { tags, summary: 'One version: document, author, message, diff', params: jsonSchema(versionParams) } }, async (req) => {
    const p = parseInput(versionParams, req.params, 'params');
    return configAdmin.getVersion(pipeline, p.version);
  });

  app.get('/v1/admin/config/diff', { ...viewer, schema: { tags, summary: 'Structural diff between two versions (to defaults to the active one)', querystring: jsonSchema(diffQuery) } }, async (req) => {
    const q = parseInput(diffQuery, req.query, 'query');
    return configAdmin.diffVersions(pipeline, q.from, q.to);
  });

  app.get('/v1/admin/config/export', { ...viewer, schema: { tags, summary: 'A version (default: active) as YAML or JSON, ready to publish again', querystring: jsonSchema(exportQuery) } }, async (req, reply) => {
    const q = parseInput(exportQuery, req.query, 'query');
    const { version, text } = await configAdmin.exportConfig(pipeline, q);
    return reply
      .header('content-type', q.format === 'json' ? 'application/json; charset=utf-8' : 'application/yaml; charset=utf-8')
      .header('content-disposition', `inline; filename="lead-router-config-v${version}.${q.format}"`)
      .header('x-config-version', String(version))
      .send(text);
  });
}
