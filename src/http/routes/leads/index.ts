import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../../deps.js';

/** Lead read APIs: decisions and their explanation, route preview. */
export function leadRoutes(_app: FastifyInstance, _deps: HttpDeps): void {}
