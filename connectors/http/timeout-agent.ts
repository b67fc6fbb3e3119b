// Timeouts for every CRM call, whatever SDK makes it. Both SDKs can be handed a node:http Agent
// (@hubspot/api-client: `httpAgent`; jsforce: through our transport, see salesforce/transport.ts),
// so the limits live in the agent, where they can end the socket instead of racing it:
// - connect: a socket that has not connected (TLS included) within connectTimeoutMs is destroyed;
// - total: a request without its complete answer within requestTimeoutMs is destroyed, and its
//   socket with it, so a hung CRM holds neither the caller nor a socket past the limit.
// The error is a CrmTimeoutError (code ETIMEDOUT), which both classifiers treat as retryable.
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';

export interface TimeoutOptions {
  /** TCP (and TLS) connect limit per new socket. */
  connectTimeoutMs: number;
  /** Whole request limit: from handing the request to the agent to the last byte of the answer. */
  requestTimeoutMs: number;
}

export class CrmTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(
    readonly phase: 'connect' | 'request',
    readonly timeoutMs: number,
  ) {
    super(
      phase === 'connect'
        ? `no connection within ${timeoutMs} ms (connectTimeoutMs)`
        : `no complete answer within ${timeoutMs} ms (requestTimeoutMs)`,
    );
    this.name = 'CrmTimeoutError';
  }
}

type CreateConnection = (options: object, callback?: (err: Error | null, socket: Socket) => void) => Socket;
type AddRequest = (req: http.ClientRequest, options: object) => void;

/** A keep-alive agent for `url`'s protocol that enforces both limits. */
export function timeoutAgent(url: string, opts: TimeoutOptions): http.Agent {
  const secure = url.startsWith('https:');
  const agent: http.Agent = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  // createConnection and addRequest are how node:http's Agent makes sockets and takes requests;
  // neither is in @types/node's Agent, hence the casts.
  const internals = agent as unknown as { createConnection: CreateConnection; addRequest: AddRequest };
  const createConnection = internals.createConnection.bind(agent);
  internals.createConnection = (options, callback) => {
    const socket = createConnection(options, callback);
    const timer = setTimeout(
      () => socket.destroy(new CrmTimeoutError('connect', opts.connectTimeoutMs)),
      opts.connectTimeoutMs,
    );
    timer.unref();
    socket.once(secure ? 'secureConnect' : 'connect', () => clearTimeout(timer));
    socket.once('close', () => clearTimeout(timer));
    return socket;
  };
  const addRequest = internals.addRequest.bind(agent);
  internals.addRequest = (req, options) => {
    const timer = setTimeout(
      () => req.destroy(new CrmTimeoutError('request', opts.requestTimeoutMs)),
      opts.requestTimeoutMs,
    );
    timer.unref();
    req.once('close', () => clearTimeout(timer));
    addRequest(req, options);
  };
  return agent;
}

export interface HttpAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * One request through `agent`, body sent whole (not streamed), answer read whole. An error from
 * either side (reset, timeout) rejects; a response cut off mid-body rejects too, instead of
 * resolving with half a body.
 */
export function sendHttp(
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: string | Buffer },
  agent: http.Agent,
): Promise<HttpAnswer> {
  const target = new URL(url);
  const transport = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(target, { method: init.method, headers: init.headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('aborted', () => reject(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' })));
      res.on('end', () => {
        if (!res.complete) return reject(Object.assign(new Error('response ended early'), { code: 'ECONNRESET' }));
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers))
          if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
        resolve({ statusCode: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.on('error', reject);
    req.end(init.body);
  });
}
