// A Postgres server of the test's own, for tests that stop and start it (the shared one on
// DATABASE_URL must never be restarted). Made like .ci/services.sh makes the shared one: a
// throwaway trust-auth cluster on loopback, run as the postgres user when we are root.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, chownSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PrivatePostgres {
  /** URL of its `postgres` database. */
  url: string;
  /** `pg_ctl stop -m fast`: sessions are terminated (57P01), new connections refused. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its data folder. */
  destroy(): Promise<void>;
}

function pgBin(): string {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(a) - Number(b));
  const v = versions.at(-1);
  if (!v) throw new Error('no Postgres binaries under /usr/lib/postgresql (run .ci/services.sh once)');
  return `/usr/lib/postgresql/${v}/bin`;
}

async function asPostgres(cmd: string, args: string[]): Promise<void> {
  if (process.getuid?.() === 0) await run('runuser', ['-u', 'postgres', '--', cmd, ...args]);
  else await run(cmd, args);
}

export async function startPrivatePostgres(opts: { port: number; dir: string }): Promise<PrivatePostgres> {
  const bin = pgBin();
  const { port, dir } = opts;
  const ctl = (...args: string[]) => asPostgres(`${bin}/pg_ctl`, ['-D', dir, '-w', ...args]);
  // A cluster left by an interrupted run may still be up: stop it and start clean.
  if (existsSync(`${dir}/postmaster.pid`)) await ctl('stop', '-m', 'immediate').catch(() => {});
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (process.getuid?.() === 0) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  await asPostgres(`${bin}/initdb`, ['-D', dir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
  const start = () =>
    ctl(
      '-l',
      `${dir}/server.log`,
      '-o',
      `-p ${port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off`,
      'start',
    );
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => ctl('stop', '-m', 'fast'),
    start,
    async destroy() {
      await ctl('stop', '-m', 'immediate').catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
