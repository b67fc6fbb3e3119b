import { z } from 'zod';
import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  explainDecisionView,
  explainPendingView,
  getLatestDecision,
  getLeadDecision,
  pendingLeadView,
  resolveLeadRef,
  type DecisionView,
} from '../../../pipeline/index.js';
import type { HttpDeps } from '../../deps.js';
import { adminToken, errorResponses, type ApiTypes } from '../../route-schema.js';
import type { AuthHook } from './viewer-auth.js';
import { leadParams } from './lead-params.js';
import { decisionText, decisionView, pendingLead } from './responses.js';

const query = z.object({
  format: z.enum(['json', 'text']).optional().describe('default: text when Accept asks for text/plain and not JSON'),
});

const tags = ['leads'];
const decision = {
  description: 'the decision (Content-Location names the lead by its own id)',
  content: { 'application/json': { schema: decisionView }, 'text/plain': { schema: decisionText } },
};
const pending = {
  description: 'the event is stored but not routed yet',
  content: { 'application/json': { schema: pendingLead }, 'text/plain': { schema: decisionText } },
};

/** `?format=` wins; otherwise text only when the client asks for text/plain and not JSON. */
function wantsText(format: 'json' | 'text' | undefined, accept: string | undefined): boolean {
  if (format) return format === 'text';
  const a = (accept ?? '').toLowerCase();
  return a.includes('text/plain') && !a.includes('application/json');
}

/**
 * GET /v1/leads/:id/decision: the latest stored decision of a lead with its full trace (every
 * rule tested, every rep skipped and why, who won and why), as JSON or as readable text. `:id` is
 * any id form; whatever it names, this is the lead's latest decision. An event not routed yet is
 * a 202 with its status, as GET /v1/leads/:id answers it.
 * GET /v1/leads/latest/decision: the same for the lead routed last.
 */
export function getLeadDecisionRoute(server: FastifyInstance, deps: HttpDeps, auth: AuthHook): void {
  const app = server.withTypeProvider<ApiTypes>();
  const byId = {
    tags,
    summary: "A lead's latest decision with its full trace, as JSON or text; :id is any id form",
    security: adminToken,
    params: leadParams,
    querystring: query,
    response: { 200: decision, 202: pending, ...errorResponses(400, 401, 404, 503) },
  };
  app.get('/v1/leads/:id/decision', { onRequest: auth, schema: byId }, async (req, reply) => {
    const { id } = req.params;
    const { format } = req.query;
    const found = await resolveLeadRef(deps.pipeline, id);
    const text = wantsText(format, req.headers.accept);
    if (found.kind === 'pending') {
      const pending = pendingLeadView(found.event);
      return text
        ? reply.code(202).type('text/plain; charset=utf-8').send(explainPendingView(pending))
        : reply.code(202).send(pending);
    }
    reply.header('content-location', `/v1/leads/${found.leadId}/decision`);
    const view = await getLeadDecision(deps.pipeline, found.leadId);
    if (text) return reply.type('text/plain; charset=utf-8').send(explainDecisionView(view));
    return view;
  });

  // The newest decision of any lead: what `npm start` tells a newcomer to curl. A static segment,
  // so fastify matches it before `:id`.
  const latest = {
    tags,
    summary: 'The decision of the lead routed last, as JSON or text',
    security: adminToken,
    querystring: query,
    response: { 200: decision, ...errorResponses(400, 401, 404, 503) },
  };
  app.get('/v1/leads/latest/decision', { onRequest: auth, schema: latest }, async (req, reply) => {
    const { format } = req.query;
    const view = await getLatestDecision(deps.pipeline);
    reply.header('content-location', `/v1/leads/${view.leadId}/decision`);
    return answer(view, format, req.headers.accept, reply);
  });
}

function answer(
  view: DecisionView,
  format: 'json' | 'text' | undefined,
  accept: string | undefined,
  reply: FastifyReply,
): DecisionView | FastifyReply {
  if (wantsText(format, accept)) return reply.type('text/plain; charset=utf-8').send(explainDecisionView(view));
  return view;
}
