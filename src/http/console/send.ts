import type { FastifyReply } from 'fastify';
import { toText, type Html } from './html.js';

/** Sends a page or a fragment as HTML. */
export const sendHtml = (reply: FastifyReply, body: Html, status = 200): FastifyReply =>
  reply.code(status).type('text/html; charset=utf-8').send(toText(body));

/** An htmx request wants the fragment it targets, not the whole page. */
export const wantsFragment = (req: { headers: Record<string, unknown> }): boolean =>
  req.headers['hx-request'] === 'true';
