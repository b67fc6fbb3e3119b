// How a caller presents a credential, and how we compare it: one place for the API key, admin
// token and rep token checks (and the web form's public key), so they cannot drift apart.
import { createHash } from 'node:crypto';

/** SHA-256 of a credential: equal-length buffers for timingSafeEqual, whatever was presented. */
export const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** The credential in `header`, else a Bearer token in Authorization; undefined when neither is there. */
export function presentedToken(headers: Record<string, unknown>, header: string): string | undefined {
  const own = headers[header];
  if (typeof own === 'string') return own;
  const auth = headers.authorization;
  return typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : undefined;
}
