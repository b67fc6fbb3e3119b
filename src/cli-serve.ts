// The long-running commands and the one that prepares the database: `lead-router serve | worker | migrate`.
// The composition root: the only place that knows which connectors, queue and database exist.
import { devApiKey, parseWebForms, Secret, type Env } from './config/index.js';
import { buildApp, type HttpTimeouts } from './http/index.js';
import type { Logger } from './logger.js';
import { embeddedAdminTokens, embeddedBanner } from './embedded-dev.js';
import { ensureConfig, openDatabase, openRuntime, type Runtime } from './runtime.js';

export async function migrate(env: Env, logger: Logger): Promise<void> {
  const db = await openDatabase(env, 'migrate');
  try {
    await db.migrate();
    await ensureConfig(db, env, logger);
    logger.info({ database: db.kind }, 'migrations applied');
  } finally {
    await db.close();
  }
}

function intakeKeys(env: Env, logger: Logger): readonly Secret[] {
  if (env.INTAKE_API_KEYS.length > 0) return env.INTAKE_API_KEYS;
  if (!env.DATABASE_URL) {
    logger.warn(`INTAKE_API_KEYS is not set: the embedded default accepts the development key "${devApiKey}"`);
    return [new Secret(devApiKey)];
  }
  throw new Error('INTAKE_API_KEYS must be set when DATABASE_URL is (no development key outside the embedded default)');
}

export async function serve(source: Env, logger: Logger): Promise<void> {
  const apiKeys = intakeKeys(source, logger);
  const webForms = parseWebForms(source.WEB_FORMS, apiKeys); // a bad entry stops serve before anything opens
  const rt = await openRuntime(source, { logger, command: 'serve' });
  // After the data folder's lock is ours: a second process refused there prints no credentials.
  const { env, devToken } = embeddedAdminTokens(source, logger);
  let shuttingDown = false;
  const app = buildApp({
    logger,
    metrics: rt.deps.metrics,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    timeouts: httpTimeouts(env),
    checks: readiness(rt),
    isShuttingDown: () => shuttingDown,
    crmStates: () => rt.deps.durability?.circuits.states() ?? {},
    intake: { pipeline: rt.deps, apiKeys, env, webForms },
  });
  // Without Redis the jobs run here, in-process; with Redis, `worker` processes run them.
  if (rt.queue.kind === 'in-process') rt.startWorking();
  await app.listen({ port: env.PORT, host: env.HOST });
  const url = localUrl(env.HOST, app.server.address());
  // The CLI finds a running embedded service here (`config publish` goes through its admin API).
  rt.dbHandle.lock?.update({ url });
  logger.info({ port: env.PORT, url, database: rt.dbHandle.kind, queue: rt.queue.kind }, 'lead-router serving');
  if (rt.dbHandle.kind === 'pglite') {
    const devIntakeKey = env.INTAKE_API_KEYS.length === 0 ? devApiKey : undefined;
    process.stderr.write(
      embeddedBanner({
        url,
        dataDir: env.DATA_DIR,
        ...(devIntakeKey && { devIntakeKey }),
        ...(devToken && { devAdminToken: devToken }),
      }),
    );
  }
  onShutdown(logger, env.SHUTDOWN_TIMEOUT_MS, async () => {
    shuttingDown = true;
    // Stops accepting, answers the requests being handled, closes slow-body and idle sockets.
    logger.info(await app.closeGracefully(), 'http server closed');
    await rt.close(); // drains running jobs, closes the database
  });
}

export async function worker(env: Env, logger: Logger): Promise<void> {
  if (!env.REDIS_URL) throw new Error('worker needs REDIS_URL; without Redis, `serve` runs the jobs in-process');
  const rt = await openRuntime(env, { logger, command: 'worker' });
  let shuttingDown = false;
  const app = buildApp({
    logger,
    metrics: rt.deps.metrics,
    bodyLimitBytes: 1024,
    timeouts: httpTimeouts(env),
    checks: readiness(rt),
    isShuttingDown: () => shuttingDown,
    crmStates: () => rt.deps.durability?.circuits.states() ?? {},
  });
  rt.startWorking();
  if (env.WORKER_PORT > 0) await app.listen({ port: env.WORKER_PORT, host: env.HOST });
  logger.info({ concurrency: env.WORKER_CONCURRENCY, database: rt.dbHandle.kind }, 'lead-router worker running');
  onShutdown(logger, env.SHUTDOWN_TIMEOUT_MS, async () => {
    shuttingDown = true;
    await rt.close();
    await app.closeGracefully();
  });
}

/** The URL this machine reaches the server at: a wildcard host is reached on loopback. */
function localUrl(host: string, address: ReturnType<import('node:http').Server['address']>): string {
  const port = typeof address === 'object' && address ? address.port : 0;
  const h = host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${h}:${port}`;
}

function httpTimeouts(env: Env): HttpTimeouts {
  return {
    requestMs: env.REQUEST_TIMEOUT_MS,
    connectionMs: env.CONNECTION_TIMEOUT_MS,
    keepAliveMs: env.KEEP_ALIVE_TIMEOUT_MS,
  };
}

function readiness(rt: Runtime) {
  return [
    { name: 'database', check: () => rt.dbHandle.ping() },
    { name: 'queue', check: () => rt.queue.ping() },
  ];
}

function onShutdown(logger: Logger, timeoutMs: number, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new work, draining what is running');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown timed out');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    stop().then(
      () => {
        logger.info('shutdown complete');
        process.exit(0);
      },
      (err: Error) => {
        logger.error({ err: err.message }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
