// The timeout agent both connectors send through: a connect that never completes and an answer
// that never comes both end in CrmTimeoutError, with the socket destroyed (not just a lost race).
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CrmTimeoutError, sendHttp, timeoutAgent } from '../../../../connectors/http/index.js';
import { until } from '../../../support/until.js';

const servers: Array<{ close(): unknown }> = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function listen<S extends Server>(server: S): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('timeoutAgent', () => {
  it('a TLS connect that never completes fails after connectTimeoutMs and the socket is closed', async () => {
    // A TCP server that accepts and then says nothing: the TLS handshake never finishes.
    const open = new Set<Socket>();
    const port = await listen(
      createTcpServer((s) => {
        open.add(s);
        s.resume(); // read (and drop) the ClientHello, so the FIN is seen
        s.on('close', () => open.delete(s));
      }),
    );
    const url = `https://127.0.0.1:${port}/x`;
    const err = await sendHttp(
      url,
      { method: 'GET' },
      timeoutAgent(url, { connectTimeoutMs: 100, requestTimeoutMs: 10_000 }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CrmTimeoutError);
    expect(err).toMatchObject({ code: 'ETIMEDOUT', phase: 'connect', timeoutMs: 100 });
    await until(() => open.size === 0, { timeoutMs: 2_000, what: 'the server side of the socket closed' });
  });

  it('an answer that never comes fails after requestTimeoutMs and the socket is closed', async () => {
    let closed = 0;
    const port = await listen(createHttpServer((req) => req.socket.on('close', () => (closed += 1))));
    const url = `http://127.0.0.1:${port}/x`;
    const err = await sendHttp(
      url,
      { method: 'POST', body: '{}' },
      timeoutAgent(url, { connectTimeoutMs: 1_000, requestTimeoutMs: 150 }),
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({
      name: 'CrmTimeoutError',
      phase: 'request',
      message: 'no complete answer within 150 ms (requestTimeoutMs)',
    });
    await until(() => closed === 1, { timeoutMs: 2_000, what: 'the hung socket closed' });
  });

  it('a quick answer is not affected, and the kept-alive socket is reused for the next request', async () => {
    const sockets = new Set<Socket>();
    const port = await listen(
      createHttpServer((req, res) => {
        sockets.add(req.socket);
        res.end('ok');
      }),
    );
    const url = `http://127.0.0.1:${port}/x`;
    const agent = timeoutAgent(url, { connectTimeoutMs: 1_000, requestTimeoutMs: 1_000 });
    expect(await sendHttp(url, { method: 'GET' }, agent)).toMatchObject({ statusCode: 200, body: 'ok' });
    expect(await sendHttp(url, { method: 'GET' }, agent)).toMatchObject({ statusCode: 200, body: 'ok' });
    expect(sockets.size).toBe(1);
    agent.destroy();
  });
});
