// The dashboard: the numbers an admin checks first, each linking to where to act.
import type { FastifyInstance } from 'fastify';
import { listFailures } from '../../pipeline/index.js';
import type { HttpDeps } from '../deps.js';
import type { ConsoleAuth } from './auth.js';
import { failuresShown } from './failures-page.js';
import { html, type Html } from './html.js';
import { consoleBase, page, type PageContext } from './layout.js';
import { sendHtml } from './send.js';

async function deadLetterCard(deps: HttpDeps): Promise<Html> {
  const found = await listFailures(deps.pipeline, { limit: failuresShown });
  const n = `${found.items.length}${found.nextCursor ? '+' : ''}`;
  return html`<section class="card" aria-labelledby="dead-title">
    <h2 id="dead-title">Dead letters</h2>
    <p class="big" data-metric="dead-letters">${n}</p>
    <p><a href="${consoleBase}/failures">${found.items.length ? 'See them and replay' : 'The dead-letter list'}</a></p>
  </section>`;
}

async function dashboardPage(deps: HttpDeps, ctx: PageContext): Promise<Html> {
  return page(ctx, {
    title: 'Dashboard',
    section: 'dashboard',
    body: html`<div class="grid">${await deadLetterCard(deps)}</div>`,
  });
}

export function dashboardPages(app: FastifyInstance, deps: HttpDeps, auth: ConsoleAuth): void {
  app.get(consoleBase, { preHandler: auth.need('viewer') }, async (req, reply) =>
    sendHtml(reply, await dashboardPage(deps, auth.context(req))),
  );
}
