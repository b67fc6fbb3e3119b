// Stopping an HTTP server on SIGTERM without losing an answer and without waiting on strangers.
// Contract: new connections are refused; a request whose body has arrived (its handler is
// running, or about to) is answered, with `Connection: close` so its socket goes after it;
// a socket still sending headers or a body (a slow or stalled client, maybe one that never
// authenticated) and an idle keep-alive socket are closed at once. Without this, node's
// server.close() waits for every unfinished request, and one client trickling a body held
// the process until the shutdown timer killed it (exit 1).
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

export interface GracefulClose {
  /** True once close() was called. */
  readonly closing: boolean;
  /** Closes the server as described above; resolves when every socket is gone. */
  close(): Promise<{ socketsClosed: number; unfinishedRequests: number }>;
}

export function installGracefulClose(app: FastifyInstance): GracefulClose {
  // Each open socket and the request it carries now (undefined before its first request's headers).
  const sockets = new Map<Socket, IncomingMessage | undefined>();
  let closing = false;

  app.server.on('connection', (socket: Socket) => {
    sockets.set(socket, undefined);
    socket.once('close', () => sockets.delete(socket));
  });
  app.addHook('onRequest', async (req) => {
    if (sockets.has(req.raw.socket)) sockets.set(req.raw.socket, req.raw);
  });
  app.addHook('onSend', async (_req, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  // Answered: the socket carries no request in hand (even if a refused body is still arriving).
  app.addHook('onResponse', async (req) => {
    if (sockets.get(req.raw.socket) === req.raw) sockets.set(req.raw.socket, undefined);
  });

  return {
    get closing() {
      return closing;
    },
    async close() {
      closing = true;
      let socketsClosed = 0;
      let unfinishedRequests = 0;
      for (const [socket, req] of sockets) {
        // Kept: a request that has fully arrived (`complete`) and is not answered yet. Its
        // handler runs or is about to; before the body is in, no handler has started.
        if (req?.complete) continue;
        if (req) unfinishedRequests++;
        socketsClosed++;
        socket.destroy();
      }
      await app.close(); // stops listening, closes idle sockets, waits for the handlers running
      return { socketsClosed, unfinishedRequests };
    },
  };
}
