import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../../pipeline/index.js';

export function metricsRoute(app: FastifyInstance, metrics: Metrics): void {
  app.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
}
