// The chaos suite's own Postgres and Redis, which it stops, restarts and flushes. Never the
// shared test services: those belong to every other test file running at the same time.
// Postgres is a throwaway cluster (trust auth, loopback, fsync off) initialised like
// .ci/services.sh does; Redis keeps its data in a folder so a restart with SHUTDOWN SAVE keeps
// the queues (a restart) while FLUSHALL drops them (a flush): two different faults.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import pg from 'pg';
import { until } from '../support/until.js';

const run = promisify(execFile);

export interface ChaosCluster {
  /** Admin URL (database `postgres`) of the chaos Postgres. */
  postgresUrl: string;
  redisUrl: string;
  stopPostgres(): Promise<void>;
  startPostgres(): Promise<void>;
  /** SHUTDOWN SAVE: the queues survive the restart, the connections do not. */
  stopRedis(): Promise<void>;
  startRedis(): Promise<void>;
  flushRedis(): Promise<void>;
  /** A fresh database on the chaos Postgres, and a way to drop it. */
  freshDatabase(name: string): Promise<{ url: string; drop(): Promise<void> }>;
  /** Stops both servers (the data folders stay, for a quick start next time). */
  stop(): Promise<void>;
}

export interface ClusterPorts {
  postgresPort: number;
  redisPort: number;
}

/** CHAOS_PG_PORT / CHAOS_REDIS_PORT override the defaults (the range this suite was given). */
export function clusterPorts(): ClusterPorts {
  return {
    postgresPort: Number(process.env.CHAOS_PG_PORT ?? 27632),
    redisPort: Number(process.env.CHAOS_REDIS_PORT ?? 27679),
  };
}

function pgBin(): string {
  const versions = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(a) - Number(b))
    : [];
  if (versions.length === 0)
    throw new Error('the chaos suite needs a local Postgres install (/usr/lib/postgresql/*/bin): see .ci/services.sh');
  return `/usr/lib/postgresql/${versions.at(-1)}/bin`;
}

/** Postgres refuses to run as root: run its tools as the postgres user then. */
async function asPostgres(cmd: string, args: string[]): Promise<string> {
  const [file, argv] = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  const { stdout } = await run(file, argv, { timeout: 60_000 });
  return stdout;
}

async function redisCli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 10_000 });
  return stdout.trim();
}

async function redisUp(port: number): Promise<boolean> {
  return redisCli(port, 'ping').then(
    (s) => s === 'PONG',
    () => false,
  );
}

export async function startCluster(ports: ClusterPorts = clusterPorts()): Promise<ChaosCluster> {
  const bin = pgBin();
  const pgDir = `/tmp/chaos-pg-${ports.postgresPort}`;
  const redisDir = `/tmp/chaos-redis-${ports.redisPort}`;
  const postgresUrl = `postgres://postgres@127.0.0.1:${ports.postgresPort}/postgres`;
  const redisUrl = `redis://127.0.0.1:${ports.redisPort}`;
  const pgUp = () =>
    asPostgres(`${bin}/pg_isready`, ['-q', '-h', '127.0.0.1', '-p', String(ports.postgresPort)]).then(
      () => true,
      () => false,
    );

  const startPostgres = async () => {
    if (await pgUp()) return;
    if (!existsSync(`${pgDir}/PG_VERSION`)) {
      mkdirSync(pgDir, { recursive: true });
      if (process.getuid?.() === 0) await run('chown', ['postgres:postgres', pgDir]);
      await asPostgres(`${bin}/initdb`, ['-D', pgDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
    }
    const opts = `-p ${ports.postgresPort} -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    await asPostgres(`${bin}/pg_ctl`, ['-D', pgDir, '-l', `${pgDir}/server.log`, '-w', '-o', opts, 'start']);
  };
  const stopPostgres = async () => {
    // -m fast: open connections are cut, as in a crash or failover the clients cannot prevent.
    if (await pgUp()) await asPostgres(`${bin}/pg_ctl`, ['-D', pgDir, '-m', 'fast', '-w', 'stop']);
  };
  const startRedis = async () => {
    if (await redisUp(ports.redisPort)) return;
    mkdirSync(redisDir, { recursive: true });
    await run('redis-server', [
      '--port',
      String(ports.redisPort),
      '--bind',
      '127.0.0.1',
      '--daemonize',
      'yes',
      '--dir',
      redisDir,
      '--save',
      '',
      '--appendonly',
      'no',
      '--logfile',
      `${redisDir}/redis.log`,
    ]);
    await until(() => redisUp(ports.redisPort), { timeoutMs: 10_000, what: `redis on ${ports.redisPort}` });
  };
  const stopRedis = async () => {
    if (!(await redisUp(ports.redisPort))) return;
    await redisCli(ports.redisPort, 'shutdown', 'save').catch(() => undefined); // the connection closes as it exits
    await until(async () => !(await redisUp(ports.redisPort)), { timeoutMs: 10_000, what: 'redis to stop' });
  };
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: postgresUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };

  await startPostgres();
  await startRedis();
  return {
    postgresUrl,
    redisUrl,
    startPostgres,
    stopPostgres,
    startRedis,
    stopRedis,
    flushRedis: async () => void (await redisCli(ports.redisPort, 'flushall')),
    async freshDatabase(name) {
      const db = `chaos_${name.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${Date.now()}`;
      await admin(`create database ${db}`);
      const u = new URL(postgresUrl);
      u.pathname = `/${db}`;
      return { url: u.toString(), drop: () => admin(`drop database if exists ${db} with (force)`) };
    },
    async stop() {
      await stopRedis();
      await stopPostgres();
    },
  };
}
