// The console's two assets: htmx, read from the installed htmx.org package (node_modules, a
// dependency like any other; nothing third-party is committed or fetched from a CDN), and our
// stylesheet. Read once, on first request; cached by browsers for an hour.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import { consoleBase } from './layout.js';
import { consoleCss } from './styles.js';

const require = createRequire(import.meta.url);

export function assetRoutes(app: FastifyInstance): void {
  let htmx: Promise<string> | undefined;
  app.get(`${consoleBase}/assets/htmx.js`, async (_req, reply) => {
    htmx ??= readFile(require.resolve('htmx.org/dist/htmx.min.js'), 'utf8');
    return reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=3600')
      .send(await htmx);
  });
  app.get(`${consoleBase}/assets/console.css`, async (_req, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(consoleCss),
  );
}
