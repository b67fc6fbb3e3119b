import { timingSafeEqual } from 'node:crypto';
import type { Secret } from '../config/index.js';
import { errors } from '../errors.js';
import { digest, presentedToken } from './presented-token.js';

export type AdminRole = 'viewer' | 'editor';

export const noAdminTokens =
  'no admin tokens are configured on this server: set ADMIN_TOKENS (viewer:<token>,editor:<token>); the embedded default (no DATABASE_URL) prints a development token at start';

/**
 * Admin tokens are separate from intake API keys. A viewer reads; an editor also writes.
 * Returns the caller's role, or throws 401 (no/unknown token) or 403 (viewer asking to write).
 */
export function adminAuthChecker(tokens: ReadonlyArray<{ role: AdminRole; token: Secret }>) {
  const known = tokens.map((t) => ({ role: t.role, digest: digest(t.token.reveal()) }));
  return (headers: Record<string, unknown>, needs: AdminRole): { role: AdminRole; who: string } => {
    // Say so rather than "not valid": no token could ever pass, and the fix is on the server.
    if (known.length === 0) throw errors.unauthorized(noAdminTokens);
    const presented = presentedToken(headers, 'x-admin-token');
    if (!presented)
      throw errors.unauthorized('missing admin token: send it in the x-admin-token header or as a Bearer token');
    const d = digest(presented);
    let role: AdminRole | undefined;
    for (const k of known) if (timingSafeEqual(d, k.digest)) role = role === 'editor' ? role : k.role;
    if (!role) throw errors.unauthorized('admin token is not valid');
    if (needs === 'editor' && role !== 'editor')
      throw errors.forbidden('this needs an editor token; yours is a viewer token');
    // Who did it, for the audit trail, without the token itself.
    return { role, who: `${role}:${d.toString('hex').slice(0, 8)}` };
  };
}
