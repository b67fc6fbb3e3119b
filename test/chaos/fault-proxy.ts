// A reverse proxy between the service's workers and the HubSpot stand-in that misbehaves on
// command, the way a CRM and the network between us do: 5xx with or without a body, 429 with or
// without Retry-After, 401 for an expired token, requests that hang, connections reset. It counts
// what it passed and what it did instead, so a scenario can tell "the CRM saw nothing" from
// "the CRM saw it and we did not hear back".
// A faulted request never reaches the stand-in: a reset or an error status is answered before
// forwarding, and a hung request is held, never forwarded, until its client gives up or
// releaseHung() cuts it. So every write the stand-in records was really sent by a worker.
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Fault =
  /** Forward, optionally after a delay (a slow CRM). */
  | { kind: 'pass'; delayMs?: number }
  /** Answer this status without forwarding; `body` undefined = an empty body. */
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  /** Hold the request: no answer until the client gives up or releaseHung() cuts it. */
  | { kind: 'hang' }
  /** Reset the connection (TCP RST) before anything is forwarded. */
  | { kind: 'reset' };

export interface FaultOptions {
  /** Only requests whose path matches are faulted; the others pass. Default: every path. */
  paths?: RegExp;
  /** Share of matching requests faulted, spread evenly (deterministic): 0.5 = every other one. Default 1. */
  ratio?: number;
  /** Fault only the next `times` matching requests, then pass. Default: until the next set(). */
  times?: number;
}

export interface ProxyCounts {
  /** Requests forwarded to the stand-in (and answered by it). */
  passed: number;
  /** Faulted answers by status (e.g. { "503": 12 }). */
  statuses: Record<string, number>;
  hung: number;
  /** Hung requests whose client closed the connection (a timeout, or a process killed). */
  abandoned: number;
  reset: number;
  /** 401s for tokens made stale by expireTokens(). */
  expired: number;
}

export interface FaultProxy {
  url: string;
  counts: ProxyCounts;
  /** Requests held right now. */
  holding(): number;
  /** The client-side ports of the held requests (to find which process is waiting on them). */
  heldClientPorts(): number[];
  set(fault: Fault, opts?: FaultOptions): void;
  /** Back to passing everything (held requests stay held: see releaseHung). */
  pass(): void;
  /** Every bearer token seen so far is expired from now on: 401 as HubSpot answers it. */
  expireTokens(): void;
  /** Cuts every held connection (as a CRM's load balancer finally would). */
  releaseHung(): void;
  close(): Promise<void>;
}

/** HubSpot's answer to a call with an expired OAuth access token. */
export const expiredTokenBody = {
  status: 'error',
  message: 'The OAuth token used to make this call expired 1 second(s) ago.',
  correlationId: '00000000-0000-4000-8000-00000000e401',
  category: 'EXPIRED_AUTHENTICATION',
};

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const counts: ProxyCounts = { passed: 0, statuses: {}, hung: 0, abandoned: 0, reset: 0, expired: 0 };
  const held = new Set<Socket>();
  const sockets = new Set<Socket>();
  const seenTokens = new Set<string>();
  const expiredTokens = new Set<string>();
  let rule: { fault: Fault; opts: FaultOptions; matched: number } = { fault: { kind: 'pass' }, opts: {}, matched: 0 };

  const chooseFault = (path: string): Fault => {
    const { fault, opts } = rule;
    if (fault.kind === 'pass' || (opts.paths && !opts.paths.test(path)))
      return fault.kind === 'pass' ? fault : { kind: 'pass' };
    const n = rule.matched++;
    if (opts.times !== undefined && n >= opts.times) return { kind: 'pass' };
    const ratio = opts.ratio ?? 1;
    return Math.floor((n + 1) * ratio) > Math.floor(n * ratio) ? fault : { kind: 'pass' };
  };

  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const up = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        counts.passed += 1;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  };

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://proxy').pathname;
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (token) seenTokens.add(token);
    if (token && expiredTokens.has(token)) {
      counts.expired += 1;
      return answerWith(req, res, 401, expiredTokenBody, {});
    }
    const fault = chooseFault(path);
    switch (fault.kind) {
      case 'pass':
        if (!fault.delayMs) return forward(req, res);
        // A client that gave up during the delay never reached the CRM: do not forward for it.
        setTimeout(() => (req.socket.destroyed ? undefined : forward(req, res)), fault.delayMs);
        return;
      case 'status':
        counts.statuses[fault.status] = (counts.statuses[fault.status] ?? 0) + 1;
        return answerWith(req, res, fault.status, fault.body, fault.headers ?? {});
      case 'hang': {
        counts.hung += 1;
        const socket = req.socket;
        held.add(socket);
        req.resume(); // read the body so the client believes it was sent, then say nothing
        socket.once('close', () => {
          if (held.delete(socket)) counts.abandoned += 1;
        });
        return;
      }
      case 'reset':
        counts.reset += 1;
        req.socket.resetAndDestroy();
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const releaseHung = () => {
    for (const s of held) {
      held.delete(s);
      s.destroy();
    }
  };
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts,
    holding: () => held.size,
    heldClientPorts: () => [...held].flatMap((s) => (s.remotePort === undefined ? [] : [s.remotePort])),
    set: (fault, opts = {}) => void (rule = { fault, opts, matched: 0 }),
    pass: () => void (rule = { fault: { kind: 'pass' }, opts: {}, matched: 0 }),
    expireTokens: () => {
      for (const t of seenTokens) expiredTokens.add(t);
    },
    releaseHung,
    close: () =>
      new Promise<void>((resolve) => {
        releaseHung();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function answerWith(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string>,
): void {
  req.resume();
  req.once('end', () => {
    if (body === undefined) {
      res.writeHead(status, { 'content-length': '0', ...headers });
      res.end();
    } else {
      res.writeHead(status, { 'content-type': 'application/json;charset=utf-8', ...headers });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    }
  });
}
