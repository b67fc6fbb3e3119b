// One Salesforce "instance URL" in front of the two stand-ins: jsforce derives both the REST base
// (<instanceUrl>/services/data) and the CometD endpoint (<instanceUrl>/cometd/<version>) from one
// instanceUrl, while the REST and Bayeux stand-ins are separate servers. This plain HTTP proxy
// sends /cometd/* to the Bayeux stand-in and everything else to the REST stand-in (a REST round
// trip is the REST stand-in's own `latency` option).
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SalesforceInstance {
  url: string;
  close(): Promise<void>;
}

export async function startSalesforceInstance(targets: {
  restUrl: string;
  cometdUrl?: string;
}): Promise<SalesforceInstance> {
  const server = createServer((req, res) => {
    const cometd = targets.cometdUrl !== undefined && req.url?.startsWith('/cometd/');
    const target = new URL(req.url ?? '/', cometd ? targets.cometdUrl : targets.restUrl);
    const upstream = request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
