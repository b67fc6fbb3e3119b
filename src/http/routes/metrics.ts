import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Metrics } from '../../pipeline/index.js';
import { described, open } from '../route-schema.js';

const exposition = z.string().describe('Prometheus text exposition format');

export function metricsRoute(app: FastifyInstance, metrics: Metrics): void {
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['health'],
        summary: 'Prometheus metrics of this process',
        security: open,
        response: { 200: described('metrics', exposition, 'text/plain') },
      },
    },
    async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
}
