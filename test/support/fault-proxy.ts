// A fault-injecting HTTP proxy in front of a stand-in: while `down`, requests whose path matches
// answer a 5xx with HubSpot's error body (the CRM's write API is out; its reads still work);
// everything else is forwarded. Every request it sees is logged with its time and status.
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultProxy {
  url: string;
  down: boolean;
  /** Requests that got the fault: time (epoch ms) and path. */
  refused: Array<{ at: number; path: string }>;
  forwarded: Array<{ at: number; path: string; status: number }>;
  close(): Promise<void>;
}

export async function startFaultProxy(target: string, opts: { match: RegExp; status?: number }): Promise<FaultProxy> {
  const upstream = new URL(target);
  const proxy: FaultProxy = { url: '', down: false, refused: [], forwarded: [], close: async () => {} };
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const path = new URL(req.url ?? '/', 'http://proxy').pathname;
      if (proxy.down && opts.match.test(path)) {
        proxy.refused.push({ at: Date.now(), path });
        res.writeHead(opts.status ?? 500, { 'content-type': 'application/json;charset=utf-8' });
        res.end(
          JSON.stringify({
            status: 'error',
            message: 'internal error',
            correlationId: '00000000-0000-4000-8000-00000000fa17',
            category: 'INTERNAL_ERROR',
          }),
        );
        return;
      }
      const out = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (up) => {
          proxy.forwarded.push({ at: Date.now(), path, status: up.statusCode ?? 0 });
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      out.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      out.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return proxy;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}
