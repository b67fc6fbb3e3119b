// Signing in and out. The token travels once, in a POST body, over the same connection as every
// admin API call; the answer sets the session cookie (session.ts) and redirects. The token is
// never put in a URL, a page or a log line (the access log has method, route and status only).
import type { FastifyInstance } from 'fastify';
import { isAppError } from '../../errors.js';
import { field, foreignOrigin, safeNext, type ConsoleAuth } from './auth.js';
import { html, toText } from './html.js';
import { consoleBase, notice, page } from './layout.js';

const isHttps = (req: { protocol: string }) => req.protocol === 'https';

function signInPage(next: string, problem?: string) {
  return page(
    {},
    {
      title: 'Sign in',
      section: 'none',
      body: html` ${problem ? notice('error', problem) : ''}
        <form method="post" action="${consoleBase}/sign-in" class="sign-in">
          <input type="hidden" name="next" value="${next}" />
          <p>
            <label for="token">Admin token</label>
            <input
              id="token"
              name="token"
              type="password"
              autocomplete="current-password"
              required
              autofocus
              aria-describedby="token-help"
            />
          </p>
          <p id="token-help" class="muted">
            A viewer or editor token from ADMIN_TOKENS. A viewer reads everything; an editor also changes config and
            availability.
          </p>
          <button type="submit">Sign in</button>
        </form>`,
    },
  );
}

export function signInRoutes(app: FastifyInstance, auth: ConsoleAuth): void {
  app.get(`${consoleBase}/sign-in`, async (req, reply) => {
    const next = safeNext((req.query as Record<string, unknown>).next);
    return reply.type('text/html; charset=utf-8').send(toText(signInPage(next)));
  });

  app.post(`${consoleBase}/sign-in`, async (req, reply) => {
    const next = safeNext(field(req.body, 'next'));
    // Login CSRF: another site must not sign a browser in with its own token.
    if (foreignOrigin(req))
      return reply
        .code(403)
        .type('text/html; charset=utf-8')
        .send(toText(signInPage(consoleBase, 'this form was posted from another site')));
    try {
      const { setCookie, session } = auth.signIn(field(req.body, 'token') ?? '', isHttps(req));
      req.log.info({ who: session.who }, 'console sign-in');
      return reply.header('set-cookie', setCookie).redirect(next, 303);
    } catch (err) {
      if (!isAppError(err) || err.status >= 500) throw err;
      req.log.info({ code: err.code }, 'console sign-in refused');
      return reply
        .code(err.status)
        .type('text/html; charset=utf-8')
        .send(toText(signInPage(next, err.message)));
    }
  });

  app.post(`${consoleBase}/sign-out`, { preHandler: auth.need('viewer') }, async (req, reply) =>
    reply.header('set-cookie', auth.signOutCookie(isHttps(req))).redirect(`${consoleBase}/sign-in`, 303),
  );
}
