// Who may see and change what in the console. A page needs a session (else: to the sign-in
// page); a change needs an editor's session, the page's CSRF token, and no foreign Origin. A
// viewer sees every page and no form that changes anything; the server refuses it anyway.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { adminAuthChecker, type AdminRole } from '../admin-auth.js';
import type { HttpDeps } from '../deps.js';
import { AppError, errors } from '../../errors.js';
import { consoleBase, type PageContext } from './layout.js';
import { readCookie, sessionCookie, sessionKeys, sessionTtlMs, setCookieHeader, type Session } from './session.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The console session, set by ConsoleAuth.need. */
    consoleSession?: Session;
  }
}

export type FormBody = Record<string, string | string[] | undefined>;

/** One value of a form field (the first, when it was sent twice). */
export const field = (body: unknown, name: string): string | undefined => {
  const v = (body as FormBody | undefined)?.[name];
  return Array.isArray(v) ? v[0] : v;
};

/** A relative console path to go to after signing in; anything else is the dashboard. */
export const safeNext = (next: unknown): string =>
  typeof next === 'string' && next.startsWith(`${consoleBase}`) && !next.startsWith('//') && !/[\r\n\\]/.test(next)
    ? next
    : consoleBase;

export interface ConsoleAuth {
  /** A preHandler: a session with at least `needs`, and for a change a valid CSRF token. */
  need(needs: AdminRole): (req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | void>;
  /** The page context of a request that passed `need`. */
  context(req: FastifyRequest): PageContext;
  /** Checks a token typed into the sign-in form; the session cookie to set, or throws 401. */
  signIn(token: string, secure: boolean): { setCookie: string; session: Session };
  signOutCookie(secure: boolean): string;
}

const changes = (method: string) => method !== 'GET' && method !== 'HEAD';

/** A post from another origin (a page elsewhere submitting to us) is refused; no Origin (old browsers, curl) is left to SameSite and CSRF. */
export function foreignOrigin(req: FastifyRequest): boolean {
  const origin = req.headers.origin;
  if (typeof origin !== 'string' || origin === 'null') return typeof origin === 'string';
  try {
    const o = new URL(origin);
    // The Host header read with the origin's scheme, so a default port written out still matches.
    return o.host !== new URL(`${o.protocol}//${req.headers.host ?? ''}`).host;
  } catch {
    return true;
  }
}

export function consoleAuth(deps: HttpDeps, now: () => number): ConsoleAuth {
  const check = adminAuthChecker(deps.env.ADMIN_TOKENS);
  const keys = sessionKeys(deps.env.ADMIN_TOKENS);

  return {
    need: (needs) => async (req, reply) => {
      const session = keys.open(readCookie(req.headers.cookie, sessionCookie), now());
      if (!session) {
        if (changes(req.method)) throw errors.unauthorized('sign in to the console first');
        // No token, ever, in this URL: only where to come back to.
        const next = encodeURIComponent(req.url);
        if (req.headers['hx-request']) return reply.header('hx-redirect', `${consoleBase}/sign-in`).code(401).send('');
        return reply.redirect(`${consoleBase}/sign-in?next=${next}`, 303);
      }
      req.consoleSession = session;
      req.adminWho = session.who;
      if (needs === 'editor' && session.role !== 'editor')
        throw errors.forbidden('a viewer session cannot change anything: sign in with an editor token');
      if (changes(req.method)) {
        if (foreignOrigin(req)) throw errors.forbidden('this form was posted from another site');
        if (!keys.checkCsrf(session, field(req.body, '_csrf')))
          throw errors.forbidden('the form is stale or was not made by this console: reload the page and try again');
      }
    },
    context: (req) => {
      const session = req.consoleSession;
      return session ? { session, csrf: keys.csrfToken(session) } : {};
    },
    signIn(token, secure) {
      let who: { role: AdminRole; who: string };
      try {
        who = check({ 'x-admin-token': token }, 'viewer');
      } catch (err) {
        // One message for a wrong token and an empty one; never the token.
        throw err instanceof AppError && err.code === 'UNAUTHORIZED' && token.length > 0
          ? errors.unauthorized('that token is not an admin token of this server')
          : err;
      }
      const { cookie, session } = keys.seal({ role: who.role, who: who.who, expiresAtMs: now() + sessionTtlMs });
      return { setCookie: setCookieHeader(cookie, { secure, maxAgeS: sessionTtlMs / 1000 }), session };
    },
    signOutCookie: (secure) => setCookieHeader('', { secure, maxAgeS: 0 }),
  };
}
