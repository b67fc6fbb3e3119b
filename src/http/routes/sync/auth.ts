import { adminAuthChecker } from '../../admin-auth.js';
import type { HttpDeps } from '../../deps.js';

export type AuthHook = (req: { headers: Record<string, unknown> }) => Promise<void>;

/** Reads of the ownership ledger: an admin token, viewer or editor. */
export function viewerOnly(deps: HttpDeps): AuthHook {
  const check = adminAuthChecker(deps.env.ADMIN_TOKENS);
  return async (req) => {
    check(req.headers, 'viewer');
  };
}

/**
 * A claim comes from another system (the intake API key) or from an admin (an editor token).
 * An x-admin-token header is judged as an admin token only; a Bearer token may be either.
 * Returns who claimed, for the ledger, without the secret.
 */
export function claimAuth(deps: HttpDeps): (headers: Record<string, unknown>) => string {
  const admin = adminAuthChecker(deps.env.ADMIN_TOKENS);
  return (headers) => {
    if (typeof headers['x-admin-token'] === 'string') return admin(headers, 'editor').who;
    try {
      deps.checkApiKey(headers);
      return 'api';
    } catch (apiKeyError) {
      if (typeof headers.authorization !== 'string') throw apiKeyError;
      return admin(headers, 'editor').who;
    }
  };
}
