// The admin API and the console register the same way: one auth check built for the surface (the
// API's token guard, the console's session), handed with the deps to each group of routes in turn.
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from './deps.js';

/** One file's routes: what it registers on `app`, checked by the surface's `auth`. */
export type RouteGroup<Auth> = (app: FastifyInstance, deps: HttpDeps, auth: Auth) => void;

export function registerRouteGroups<Auth>(
  app: FastifyInstance,
  deps: HttpDeps,
  auth: Auth,
  groups: ReadonlyArray<RouteGroup<Auth>>,
): void {
  for (const register of groups) register(app, deps, auth);
}
