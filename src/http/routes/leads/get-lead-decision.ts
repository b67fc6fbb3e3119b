import { z } from 'zod';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { explainDecisionView, explainPendingView, getLatestDecision, getLeadDecision, pendingLeadView, resolveLeadRef, type DecisionView } from '../../../pipeline/index.js';
import type { HttpDeps } from '../../deps.js';
import { parseInput } from '../../parse.js';
import type { AuthHook } from './viewer-auth.js';
import { leadParams } from './lead-params.js';

const query = z.object({ format: z.enum(['json', 'text']).optional() });

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
export function getLeadDecisionRoute(app: FastifyInstance, deps: HttpDeps, auth: AuthHook): void {
  app.get('/v1/leads/:id/decision', { onRequest: auth }, async (req, reply) => {
    const { id } = parseInput(leadParams, req.params, 'params');
    const { format } = parseInput(query, req.query, 'query');
    const found = await resolveLeadRef(deps.pipeline, id);
    const text = wantsText(format, req.headers.accept);
    if (found.kind === 'pending') {
      const pending = pendingLeadView(found.event);
      return text ? reply.code(202).type('text/plain; charset=utf-8').send(explainPendingView(pending)) : reply.code(202).send(pending);
    }
    reply.header('content-location', `/v1/leads/${found.leadId}/decision`);
    const view = await getLeadDecision(deps.pipeline, found.leadId);
    if (text) return reply.type('text/plain; charset=utf-8').send(explainDecisionView(view));
    return view;
  });

  // The newest decision of any lead: what `npm start` tells a newcomer to curl. A static segment,
  // so fastify matches it before `:id`.
  app.get('/v1/leads/latest/decision', { onRequest: auth }, async (req, reply) => {
    const { format } = parseInput(query, req.query, 'query');
    const view = await getLatestDecision(deps.pipeline);
    reply.header('content-location', `/v1/leads/${view.leadId}/decision`);
    return answer(view, format, req.headers.accept, reply);
  });
}

function answer(view: DecisionView, format: 'json' | 'text' | undefined, accept: string | undefined, reply: FastifyReply): DecisionView | FastifyReply {
  if (wantsText(format, accept)) return reply.type('text/plain; charset=utf-8').send(explainDecisionView(view));
  return view;
}
