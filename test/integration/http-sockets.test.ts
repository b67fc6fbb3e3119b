// The HTTP server on real sockets. REQUEST_TIMEOUT_MS: a client that sends headers and then
// trickles a body is cut off (408, socket closed) once the whole request has not arrived in
// time, whether or not it ever authenticated; without it (fastify's default: no limit) the
// socket stays open. And a request node cannot parse is logged (fastify, at trace) without its
// raw bytes, which hold every header it sent.
import { Writable } from 'node:stream';
import { connect } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { buildApp } from '../../src/http/index.js';
import { createMetrics } from '../../src/pipeline/index.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { testLogger } from '../support/test-logs.js';
import { testApiKey } from '../support/system.js';
import { until } from '../support/until.js';

const apps: Array<{ close(): Promise<unknown> }> = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

async function serve(requestMs: number, logger: Logger = testLogger()) {
  const app = buildApp({
    logger,
    metrics: createMetrics(),
    bodyLimitBytes: 1024 * 1024,
    timeouts: { requestMs, connectionMs: 0, keepAliveMs: 5_000 },
    checks: [],
    isShuttingDown: () => false,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  apps.push(app);
  return (app.server.address() as { port: number }).port;
}

/** Headers, then one byte every 50 ms (at most 200) of a body announced as 100 kB. */
function trickle(port: number) {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  let closed = false;
  socket.on('data', (d) => (received += d.toString()));
  socket.on('error', () => {});
  socket.on('close', () => (closed = true));
  socket.write(
    `POST /webhooks/hubspot HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n[`,
  );
  let n = 0;
  const t = setInterval(() => (closed || ++n > 200 ? clearInterval(t) : socket.write(' ')), 50);
  return { received: () => received, isClosed: () => closed, stop: () => (clearInterval(t), socket.destroy()) };
}

it('closes a socket whose body is still trickling in after REQUEST_TIMEOUT_MS, with a 408', async () => {
  const client = trickle(await serve(1_000));
  await until(() => client.isClosed(), { timeoutMs: 8_000, what: 'the server to close the slow socket' });
  expect(client.received()).toContain('408');
});

it('logs a request it cannot parse without its raw packet (and the API key in it)', async () => {
  let out = '';
  const sink = new Writable({ write: (chunk, _e, cb) => ((out += chunk.toString()), cb()) });
  const port = await serve(1_000, createLogger({ level: 'trace' }, sink));
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (d) => (received += d.toString()));
  socket.on('error', () => {});
  socket.write(`POST /v1/leads HTTP/1.1\r\nhost: x\r\nx-api-key: ${testApiKey}\r\nthis is not a header\r\n\r\n`);
  await until(() => received.includes('400') && out.includes('client error'), { what: 'the 400 and the trace line' });
  socket.destroy();
  expect(out).not.toContain('rawPacket');
  expect(out).not.toContain(testApiKey);
  expect(out).not.toContain(Buffer.from(testApiKey).toJSON().data.join(',')); // a Buffer prints as its bytes
});
