import { timingSafeEqual } from 'node:crypto';
import { adminAuthChecker, type AdminRole } from '../../admin-auth.js';
import type { HttpDeps } from '../../deps.js';
import { errors } from '../../../errors.js';
import { digest, presentedToken } from '../../presented-token.js';

/**
 * Who may read or set a rep's availability: an admin token (viewer reads, editor writes), or that
 * rep's own token (REP_TOKENS), which reads and writes only its own rep. Returns the audit actor
 * (editor:1a2b3c4d, rep:ana), never the token.
 */
export function availabilityAuth(
  deps: HttpDeps,
): (headers: Record<string, unknown>, repId: string, needs: AdminRole) => string {
  const admin = adminAuthChecker(deps.env.ADMIN_TOKENS);
  const reps = deps.env.REP_TOKENS.map((t) => ({ repId: t.repId, digest: digest(t.token.reveal()) }));
  return (headers, repId, needs) => {
    const presented = presentedToken(headers, 'x-admin-token');
    if (presented && reps.length > 0) {
      const d = digest(presented);
      let owner: string | undefined;
      // Every entry compared (constant time), as the admin check does.
      for (const r of reps) if (timingSafeEqual(d, r.digest)) owner ??= r.repId;
      if (owner !== undefined) {
        if (owner !== repId)
          throw errors.forbidden(`a rep token reads and sets only its own rep's availability (this one is ${owner}'s)`);
        return `rep:${owner}`;
      }
    }
    return admin(headers, needs).who;
  };
}
