import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../../deps.js';

/** POST /webhooks/salesforce/:token */
export function salesforceWebhook(_app: FastifyInstance, _deps: HttpDeps): void {}
