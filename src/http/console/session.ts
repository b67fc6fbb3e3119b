// Console sessions. Signing in posts an admin token once; the answer sets a cookie that holds the
// role and who (editor:1a2b3c4d, as the audit trail names it), an expiry and a random nonce, signed
// with HMAC-SHA256. Never the token: the cookie is useless once the token is removed.
//
// The signing key is derived from every configured admin token, so every serve process of one
// deployment accepts the same cookies without a shared store, and changing ADMIN_TOKENS ends
// every session at once. The cookie is HttpOnly (no script reads it), SameSite=Strict (no other
// site's page sends it), Path=/admin, and Secure when the request came over HTTPS.
//
// CSRF: every form that changes something carries `_csrf`, an HMAC of the session's nonce; a post
// without the right one is refused. With SameSite=Strict it is a second lock, for browsers that
// ignore SameSite and for the sign-in form (checked by Origin instead).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AdminRole } from '../admin-auth.js';
import type { Secret } from '../../config/index.js';

export const sessionCookie = 'lr_console';
/** A session lasts a working day; sign in again after. */
export const sessionTtlMs = 12 * 60 * 60 * 1000;

export interface Session {
  role: AdminRole;
  who: string;
  expiresAtMs: number;
  nonce: string;
}

export interface SessionKeys {
  seal(s: Omit<Session, 'nonce'>): { cookie: string; session: Session };
  open(cookie: string | undefined, nowMs: number): Session | undefined;
  csrfToken(s: Session): string;
  checkCsrf(s: Session, presented: unknown): boolean;
}

const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export function sessionKeys(tokens: ReadonlyArray<{ role: AdminRole; token: Secret }>): SessionKeys {
  const key = createHmac('sha256', 'lead-router console session v1');
  for (const t of tokens) key.update(`${t.role}:${t.token.reveal()}\n`);
  const secret = key.digest();
  const mac = (what: string) => createHmac('sha256', secret).update(what).digest();
  const same = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);

  return {
    seal(s) {
      const session: Session = { ...s, nonce: b64(randomBytes(18)) };
      const body = b64(JSON.stringify([session.role, session.who, session.expiresAtMs, session.nonce]));
      return { cookie: `${body}.${b64(mac(`session:${body}`))}`, session };
    },
    open(cookie, nowMs) {
      if (!cookie || tokens.length === 0) return undefined;
      const [body, sig, extra] = cookie.split('.');
      if (!body || !sig || extra !== undefined) return undefined;
      if (!same(Buffer.from(sig, 'base64url'), mac(`session:${body}`))) return undefined;
      try {
        const [role, who, expiresAtMs, nonce] = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as [
          AdminRole,
          string,
          number,
          string,
        ];
        if ((role !== 'viewer' && role !== 'editor') || typeof expiresAtMs !== 'number' || expiresAtMs <= nowMs)
          return undefined;
        return { role, who, expiresAtMs, nonce };
      } catch {
        return undefined;
      }
    },
    csrfToken: (s) => b64(mac(`csrf:${s.nonce}`)),
    checkCsrf: (s, presented) =>
      typeof presented === 'string' && same(Buffer.from(presented, 'base64url'), mac(`csrf:${s.nonce}`)),
  };
}

/** The value of one cookie in a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function setCookieHeader(value: string, opts: { secure: boolean; maxAgeS: number }): string {
  return [
    `${sessionCookie}=${value}`,
    'Path=/admin',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${opts.maxAgeS}`,
    ...(opts.secure ? ['Secure'] : []),
  ].join('; ');
}
