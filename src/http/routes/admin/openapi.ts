// OpenAPI for the admin API at /docs. Route schemas are for documentation only: validation is
// zod through parseInput (one error shape, paths like body.message), so this scope's
// validator accepts everything and its serializer is plain JSON.stringify.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

export function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'openapi-3.0' }) as Record<string, unknown>;
  return rest;
}

export async function registerOpenApi(scope: FastifyInstance): Promise<void> {
  scope.setValidatorCompiler(() => () => true);
  scope.setSerializerCompiler(() => (data) => JSON.stringify(data));
  await scope.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'lead-router admin API', version: '1', description: 'Config drafts, validation, publish, rollback, diff and export. See docs/config.md.' },
      components: {
        securitySchemes: {
          adminToken: { type: 'apiKey', in: 'header', name: 'x-admin-token' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ adminToken: [] }, { bearer: [] }],
    },
  });
  await scope.register(swaggerUi, { routePrefix: '/docs' });
}
