import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../../deps.js';

/** POST /webhooks/hubspot */
export function hubspotWebhook(_app: FastifyInstance, _deps: HttpDeps): void {}
