// SIGTERM as an orchestrator sends it, to the compiled CLI: clients that send headers and then
// trickle a body that never ends (one with an API key, one without) must not hold the process;
// a lead acknowledged just before the signal is routed and written before it exits 0.
// Postgres (for the assertions after exit) with in-process jobs (no REDIS_URL), so the jobs
// drain inside the process being stopped.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { childEnv, root, spawnCli, type CliProcess } from '../support/cli.js';
import { createTestDatabase, sqlClient, type TestDatabase } from '../support/services.js';
import { leadBody, testApiKey } from '../support/system.js';
import { until } from '../support/until.js';

let tdb: TestDatabase;
let proc: CliProcess | undefined;
const sockets: Socket[] = [];
const timers: NodeJS.Timeout[] = [];

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  if (!existsSync(join(root, 'dist/src/cli.js')))
    execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json'], { cwd: root });
  tdb = await createTestDatabase();
}, 120_000);

afterAll(async () => {
  timers.forEach(clearInterval);
  sockets.forEach((s) => s.destroy());
  proc?.child.kill('SIGKILL');
  await tdb?.drop();
});

interface SlowClient {
  /** Everything the server sent back. */
  received(): string;
  closed: Promise<void>;
}

/** Sends the headers of a POST announcing a 100 kB body, then one byte every 100 ms, for at most a minute. */
function trickle(port: number, headers: Record<string, string>): SlowClient {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  let received = '';
  socket.on('data', (d) => (received += d.toString()));
  socket.on('error', () => {}); // a reset is one way of being closed
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const head = Object.entries({
    host: `127.0.0.1:${port}`,
    'content-type': 'application/json',
    'content-length': '100000',
    expect: '100-continue',
    ...headers,
  })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.write(`POST /v1/leads HTTP/1.1\r\n${head}\r\n{"source":"slow","idempotencyKey":"`);
  let sent = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || ++sent > 600) return clearInterval(timer);
    socket.write('x');
  }, 100);
  timers.push(timer);
  return { received: () => received, closed };
}

it('exits 0 on SIGTERM while clients trickle bodies, after routing the lead it acknowledged', async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = childEnv({
    DATABASE_URL: tdb.url,
    INTAKE_API_KEYS: testApiKey,
    PORT: String(port),
    LOG_LEVEL: 'trace',
    SHUTDOWN_TIMEOUT_MS: '8000',
  });
  const migrate = spawnCli(['migrate'], env, { compiled: true });
  expect(await migrate.exited).toBe(0);
  proc = spawnCli(['serve'], env, { compiled: true });
  await until(
    () =>
      fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      ),
    { timeoutMs: 60_000, what: `${base}/healthz (output: ${proc.output()})` },
  );

  // Both are past their headers when the server has answered them: 100 Continue, or the 401.
  const authorized = trickle(port, { 'x-api-key': testApiKey });
  const stranger = trickle(port, {});
  await until(() => authorized.received().startsWith('HTTP/1.1 100 Continue'), { what: 'the 100 Continue' });
  await until(() => stranger.received().includes('HTTP/1.1 401'), { what: 'the 401 to the client without a key' });

  const res = await fetch(`${base}/v1/leads`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': testApiKey },
    body: JSON.stringify(leadBody('sigterm-0001')),
  });
  expect(res.status).toBe(202);
  const { eventId } = (await res.json()) as { eventId: string };

  proc.child.kill('SIGTERM');
  expect(await proc.exited).toBe(0);
  // The process did not wait for them: it closed both sockets itself.
  await Promise.all([authorized.closed, stranger.closed]);
  expect(authorized.received()).not.toContain('HTTP/1.1 202');
  expect(proc.output()).toContain('"msg":"shutdown complete"');
  expect(proc.output()).toMatch(
    /"unfinishedRequests":1,.*"msg":"http server closed"|"msg":"http server closed".*"unfinishedRequests":1/,
  );

  // Acknowledged before the signal: stored, routed and written before the process exited.
  const sql = await sqlClient(tdb.url);
  try {
    const rows = await sql.rows(
      `select e.status, a.rep_id, o.status as write from inbound_events e join assignments a on a.event_id = e.id join outbox o on o.assignment_id = a.id where e.id = $1`,
      [eventId],
    );
    expect(rows).toEqual([{ status: 'done', rep_id: 'ana', write: 'done' }]);
    // The slow clients' bodies never arrived, so nothing of theirs was stored.
    expect(await sql.rows(`select source from inbound_events where source like '%slow%'`)).toEqual([]);
  } finally {
    await sql.end();
  }
}, 90_000);
