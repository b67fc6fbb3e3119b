import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../../deps.js';

/** CRM webhooks: HubSpot, Salesforce outbound messages. */
export function webhookRoutes(_app: FastifyInstance, _deps: HttpDeps): void {}
