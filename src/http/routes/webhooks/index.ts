import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../../deps.js';
import { hubspotWebhook } from './hubspot.js';
import { salesforceWebhook } from './salesforce.js';

/** CRM webhooks: each registers only when its connector is configured. */
export function webhookRoutes(app: FastifyInstance, deps: HttpDeps): void {
  hubspotWebhook(app, deps);
  salesforceWebhook(app, deps);
}
