// The image's exact command line, run the way the container runs it but without a Docker
// engine: the final stage's files laid out in a root-owned folder, the image's ENV (read from
// the Dockerfile), ENTRYPOINT + CMD executed as a non-root user from WORKDIR. Proves the
// default command works with no env (the embedded database under DATA_DIR, which the runtime
// user owns) and that the HEALTHCHECK answers for `serve` and for `worker`.
//
// Two things stand in for the container: absolute paths of the image (WORKDIR, DATA_DIR) live
// under a temp root, and PORT/WORKER_PORT/HOST are set to free loopback ports (the container's
// own network namespace). node_modules is a symlink to ours.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  chmodSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, posix } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root } from '../support/cli.js';
import {
  copiesOf,
  envOf,
  execForm,
  finalStage,
  healthcheckCommand,
  last,
  readDockerfile,
} from '../support/dockerfile.js';
import { childLogStream } from '../support/test-logs.js';
import {
  createTestDatabase,
  clearQueuePrefix,
  requireServices,
  uniquePrefix,
  type TestDatabase,
} from '../support/services.js';
import { until } from '../support/until.js';

const stages = readDockerfile();
const image = finalStage(stages);
const imageEnv = envOf(image);
const entrypoint = execForm(last(image, 'ENTRYPOINT')?.args ?? '') ?? [];
const cmd = execForm(last(image, 'CMD')?.args ?? '') ?? [];
const healthcheck = healthcheckCommand(image) ?? [];
const imageUser = last(image, 'USER')?.args ?? 'root';

// Tests run as root here and in CI; setpriv (util-linux) switches user and execs, as Docker's
// USER does: the command's pid is node's, so SIGTERM reaches it and its exit code is ours.
const isRoot = process.getuid?.() === 0;
const hasSetpriv = spawnSync('setpriv', ['--version']).status === 0;
const skipReason = !isRoot
  ? 'needs root to run the command as another user'
  : !hasSetpriv
    ? 'needs setpriv (util-linux)'
    : '';

/** The image's user if this machine has it (node images do), else `nobody`: any non-root user will do. */
function runtimeUser(): { name: string; uid: number; gid: number } {
  for (const name of [imageUser.split(':')[0]!, 'nobody']) {
    const r = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    if (r.status === 0)
      return {
        name,
        uid: Number(r.stdout.trim()),
        gid: Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim()),
      };
  }
  throw new Error('no non-root user to run as');
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

let fsRoot: string; // stands for the container's /
let appDir: string;
let dataDir: string;
let user: ReturnType<typeof runtimeUser>;
const nodeBin = dirname(realpathSync(join(root, 'node_modules/.bin/node')));
const inImage = (p: string) => join(fsRoot, p);

/** The final stage's COPYs, from the build stage's /app (our checkout, built) or the context. */
function layOutImage(): void {
  const build = stages.find((s) => s !== image);
  const buildWorkdir = (build && last(build, 'WORKDIR')?.args) ?? '/';
  const workdir = last(image, 'WORKDIR')?.args ?? '/';
  for (const copy of copiesOf(image)) {
    for (const source of copy.sources) {
      const fromRepo = copy.from ? posix.relative(buildWorkdir, source) : source;
      const dest =
        copy.dest.endsWith('/') || copy.dest === './'
          ? join(inImage(workdir), copy.dest, posix.basename(source))
          : join(inImage(workdir), copy.dest);
      mkdirSync(dirname(dest), { recursive: true });
      // The build stage's node_modules is ours, pruned: a symlink is enough and saves a copy.
      if (fromRepo === 'node_modules') symlinkSync(realpathSync(join(root, 'node_modules')), dest);
      else cpSync(join(root, fromRepo), dest, { recursive: true });
    }
  }
}

interface Run {
  output(): string;
  hasExited(): boolean;
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
}

/** A command line of the image, as the runtime user, from WORKDIR, with the image's ENV plus `extra`. */
function runAsImageUser(argv: string[], extra: Record<string, string>, name = argv.at(-1)!): Run {
  // An absolute DATA_DIR of the image moves under the temp root with everything else.
  const env = {
    PATH: `${nodeBin}:/usr/local/bin:/usr/bin:/bin`,
    HOME: '/nonexistent',
    ...imageEnv,
    ...(imageEnv.DATA_DIR ? { DATA_DIR: dataDir } : {}),
    ...extra,
  };
  const child = spawn('setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--', ...argv], {
    cwd: appDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const log = childLogStream(`image-${name}`, child.pid);
  child.stdout!.on('data', (d: Buffer) => ((out += d.toString()), log.write(d)));
  child.stderr!.on('data', (d: Buffer) => ((out += d.toString()), log.write(d)));
  child.on('close', () => log.end());
  let done = false;
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => ((done = true), resolve(code))));
  return { output: () => out, hasExited: () => done, exited, kill: (s) => child.kill(s) };
}

async function healthcheckExit(extra: Record<string, string>): Promise<number | null> {
  return runAsImageUser(healthcheck, extra, 'healthcheck').exited;
}

const running: Run[] = [];

beforeAll(() => {
  if (skipReason) return;
  if (!existsSync(join(root, 'dist/src/cli.js')))
    execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json'], { cwd: root });
  user = runtimeUser();
  fsRoot = mkdtempSync('/tmp/lr-image-');
  chmodSync(fsRoot, 0o755); // root-owned and not writable by the runtime user, like the image's /
  appDir = inImage(last(image, 'WORKDIR')?.args ?? '/');
  layOutImage();
  // What the image's RUN does (image-facts.test.ts checks the Dockerfile does it): DATA_DIR
  // exists and the runtime user owns it. Nothing else is theirs.
  if (imageEnv.DATA_DIR) {
    dataDir = posix.isAbsolute(imageEnv.DATA_DIR) ? inImage(imageEnv.DATA_DIR) : join(appDir, imageEnv.DATA_DIR);
    mkdirSync(dataDir, { recursive: true });
    chownSync(dataDir, user.uid, user.gid);
  } else {
    dataDir = join(appDir, 'data'); // the CLI's default, relative to WORKDIR
  }
}, 120_000);

afterAll(() => {
  for (const r of running) r.kill('SIGKILL');
  if (fsRoot) rmSync(fsRoot, { recursive: true, force: true });
});

describe.skipIf(Boolean(skipReason))(
  `the image's command line as a non-root user${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    it('default command with no env: serves from a root-owned WORKDIR, accepts a lead with the development key, is healthy, exits 0 on SIGTERM', async () => {
      expect(statSync(appDir).uid).toBe(0);
      const [port, unusedPort] = [await freePort(), await freePort()];
      const net = { HOST: '127.0.0.1', PORT: String(port), WORKER_PORT: String(unusedPort) };
      const base = `http://127.0.0.1:${port}`;
      const serve = runAsImageUser([...entrypoint, ...cmd], { ...net, SWEEP_INTERVAL_MS: '500' });
      running.push(serve);
      // Stops waiting as soon as the process dies (the failure this test is about), showing why.
      await until(
        () =>
          serve.hasExited() ||
          fetch(`${base}/healthz`).then(
            (r) => r.ok,
            () => false,
          ),
        { timeoutMs: 60_000, what: `${base}/healthz` },
      );
      expect(serve.hasExited(), serve.output()).toBe(false);

      const res = await fetch(`${base}/v1/leads`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'dev-local-key' },
        body: JSON.stringify({
          source: 'web-form',
          idempotencyKey: 'image-0001',
          lead: { email: 'ada@acme.example', country: 'DE' },
        }),
      });
      expect(res.status).toBe(202);
      await until(
        async () =>
          /writebacks_total\{crm="api",outcome="done"\} 1/.test(await fetch(`${base}/metrics`).then((r) => r.text())),
        { what: 'the lead routed and written' },
      );

      // The HEALTHCHECK, run as Docker runs it (same user, env and folder), sees serve on PORT.
      expect(await healthcheckExit(net)).toBe(0);

      // The database lives in DATA_DIR, owned by the runtime user; the app folder got nothing.
      const files = readdirSync(dataDir, { recursive: true }) as string[];
      expect(files.length).toBeGreaterThan(0);
      expect(files.every((f) => statSync(join(dataDir, f)).uid === user.uid)).toBe(true);
      expect(readdirSync(appDir).sort()).toEqual([
        'bin',
        'dist',
        'fixtures',
        'migrations',
        'node_modules',
        'package.json',
      ]);

      serve.kill('SIGTERM');
      expect(await serve.exited).toBe(0);
      expect(serve.output()).toContain('shutdown complete');
      // And the healthcheck can fail: nothing answers now.
      expect(await healthcheckExit(net)).toBe(1);
    }, 120_000);

    describe('worker', () => {
      let db: TestDatabase;
      const prefix = uniquePrefix();
      beforeAll(async () => {
        db = await createTestDatabase();
      });
      afterAll(async () => {
        await db?.drop();
        await clearQueuePrefix(prefix);
      });

      it('`migrate` then `worker` with Postgres and Redis: the same HEALTHCHECK finds the worker on WORKER_PORT', async () => {
        const [workerPort, unusedPort] = [await freePort(), await freePort()];
        const services = {
          DATABASE_URL: db.url,
          REDIS_URL: requireServices().redisUrl,
          QUEUE_PREFIX: prefix,
          INTAKE_API_KEYS: 'image-test-intake-key',
        };
        const net = { HOST: '127.0.0.1', PORT: String(unusedPort), WORKER_PORT: String(workerPort) };
        const migrate = runAsImageUser([...entrypoint, 'migrate'], { ...services, ...net });
        expect(await migrate.exited, migrate.output()).toBe(0);

        const worker = runAsImageUser([...entrypoint, 'worker'], { ...services, ...net });
        running.push(worker);
        await until(
          () =>
            fetch(`http://127.0.0.1:${workerPort}/healthz`).then(
              (r) => r.ok,
              () => false,
            ),
          { timeoutMs: 60_000, what: `the worker's /healthz (output: ${worker.output()})` },
        );
        expect(await healthcheckExit(net)).toBe(0);

        worker.kill('SIGTERM');
        expect(await worker.exited).toBe(0);
        expect(await healthcheckExit(net)).toBe(1);
      }, 120_000);
    });
  },
);
