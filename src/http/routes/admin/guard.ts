import type { FastifyRequest } from 'fastify';
import type { AdminRole } from '../../admin-auth.js';

/** The caller's identity, set by the route's onRequest check. */
export type Guard = (needs: AdminRole) => (req: FastifyRequest) => Promise<void>;

declare module 'fastify' {
  interface FastifyRequest {
    /** `editor:1a2b3c4d`: who made an admin change, without the token. */
    adminWho?: string;
  }
}

/** The identity recorded as author/actor; a display name is kept next to it, never instead of it. */
export function actor(req: FastifyRequest, displayName?: string): string {
  const who = req.adminWho ?? 'unknown';
  return displayName ? `${displayName} via ${who}` : who;
}
