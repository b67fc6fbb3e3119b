import { adminAuthChecker } from '../../admin-auth.js';
import type { HttpDeps } from '../../deps.js';

export type AuthHook = (req: { headers: Record<string, unknown> }) => Promise<void>;

/** An onRequest hook: 401 without a valid admin token; a viewer token is enough (these routes only read). */
export function viewerAuth(deps: HttpDeps): AuthHook {
  const check = adminAuthChecker(deps.env.ADMIN_TOKENS);
  return async (req) => {
    check(req.headers, 'viewer');
  };
}
