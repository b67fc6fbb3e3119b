import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../../deps.js';

/** Admin API: config drafts, validation, publish, rollback, diff, export. */
export function adminRoutes(_app: FastifyInstance, _deps: HttpDeps): void {}
