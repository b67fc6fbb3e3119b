// The console's two assets: htmx, read from the installed htmx.org package (node_modules, a
// dependency like any other; nothing third-party is committed or fetched from a CDN), and our
// stylesheet. Read once, on first request; cached by browsers for an hour.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import { consoleBase } from './layout.js';
import { consoleCss } from './styles.js';

const require = createRequire(import.meta.url);

const icon =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" fill="#0b5cad"/><path d="M5 4v8h6" stroke="#fff" stroke-width="2" fill="none"/></svg>';

export function assetRoutes(app: FastifyInstance): void {
  let htmx: Promise<string> | undefined;
  app.get(`${consoleBase}/assets/htmx.js`, async (_req, reply) => {
    htmx ??= readFile(require.resolve('htmx.org/dist/htmx.min.js'), 'utf8');
    return reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=3600')
      .send(await htmx);
  });
  // Our own icon, so the browser does not ask for /favicon.ico (a 404 in every console's log).
  app.get(`${consoleBase}/assets/icon.svg`, async (_req, reply) =>
    reply.type('image/svg+xml').header('cache-control', 'public, max-age=3600').send(icon),
  );
  app.get(`${consoleBase}/assets/console.css`, async (_req, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(consoleCss),
  );
}
