// The admin console at /admin: server-rendered HTML pages with htmx for in-place updates, served
// by the same fastify app as the API and calling the same pipeline steps (docs/console.md).
// Its own scope: form bodies are parsed here only, errors are answered as pages, and every answer
// carries a strict Content-Security-Policy (our own script and styles only) and no-store.
import formbody from '@fastify/formbody';
import type { FastifyError, FastifyInstance } from 'fastify';
import { isAppError } from '../../errors.js';
import { asServiceUnavailable } from '../error-handler.js';
import type { HttpDeps } from '../deps.js';
import { registerRouteGroups } from '../route-groups.js';
import { assetRoutes } from './assets.js';
import { consoleAuth } from './auth.js';
import { configPages } from './config-pages.js';
import { connectorModeRoutes } from './connector-modes.js';
import { dashboardPages } from './dashboard.js';
import { draftPages } from './draft-pages.js';
import { failurePages } from './failures-page.js';
import { html } from './html.js';
import { consoleBase, notice, page } from './layout.js';
import { leadPages } from './leads-pages.js';
import { repPages } from './reps-page.js';
import { sendHtml, wantsFragment } from './send.js';
import { signInRoutes } from './sign-in.js';

export { consoleBase } from './layout.js';

const securityHeaders = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

/** Console URLs are pages for people, not API routes: the OpenAPI document leaves them out. */
export const isConsoleRoute = (url: string) => url === consoleBase || url.startsWith(`${consoleBase}/`);

export function consoleRoutes(app: FastifyInstance, deps: HttpDeps): void {
  void app.register(async (scope) => {
    await scope.register(formbody);
    const auth = consoleAuth(deps, () => deps.pipeline.now().getTime());
    scope.addHook('onSend', async (req, reply, payload) => {
      reply.headers(securityHeaders);
      if (!req.url.startsWith(`${consoleBase}/assets/`)) reply.header('cache-control', 'no-store');
      return payload;
    });
    scope.setErrorHandler((err: FastifyError, req, reply) => {
      const known = isAppError(err) ? err : asServiceUnavailable(err);
      const status = known?.status ?? (err.statusCode && err.statusCode < 500 ? err.statusCode : 500);
      if (status >= 500) req.log.error({ err }, 'console request failed');
      else req.log.info({ code: known?.code, status }, known?.message ?? err.message);
      const message =
        status >= 500 ? `Something went wrong on our side (request ${req.id}).` : (known?.message ?? 'Bad request.');
      const shown = html`${notice('error', message)}${
        status === 401 ? html`<p><a href="${consoleBase}/sign-in">Sign in</a></p>` : ''
      }`;
      if (wantsFragment(req)) return sendHtml(reply, shown, status);
      return sendHtml(
        reply,
        page(auth.context(req), {
          title: status === 404 ? 'Not found' : 'Could not do that',
          section: 'none',
          body: shown,
        }),
        status,
      );
    });
    assetRoutes(scope);
    signInRoutes(scope, auth);
    registerRouteGroups(scope, deps, auth, [
      dashboardPages,
      leadPages,
      configPages,
      draftPages,
      connectorModeRoutes,
      repPages,
      failurePages,
    ]);
  });
}
