import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../../deps.js';
import { availabilityRoutes } from './availability.js';

/** Per-rep APIs: availability (away/back) without a config publish. */
export function repRoutes(app: FastifyInstance, deps: HttpDeps): void {
  availabilityRoutes(app, deps);
}
