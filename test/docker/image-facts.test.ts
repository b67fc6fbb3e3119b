// The facts about the image and compose.yaml that an SRE relies on, read from the files
// themselves: who the process runs as, where it may write, what it runs, how its health is
// checked, and that compose builds one image and passes the required settings.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { isAbsolute, join, posix } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { root } from '../support/cli.js';
import {
  all,
  copiesOf,
  envOf,
  execForm,
  finalStage,
  healthcheckCommand,
  last,
  readDockerfile,
  volumesOf,
} from '../support/dockerfile.js';
import { dockerignoreExcludes } from '../support/dockerignore.js';

const stages = readDockerfile();
const image = finalStage(stages);
const env = envOf(image);
const user = last(image, 'USER')?.args ?? 'root';
const workdir = last(image, 'WORKDIR')?.args ?? '/';
const entrypoint = execForm(last(image, 'ENTRYPOINT')?.args ?? '') ?? [];
const cmd = execForm(last(image, 'CMD')?.args ?? '') ?? [];

/** The CLI's own list of commands, from its help text (whatever prints it). */
let commands: Set<string> | undefined;
function cliCommands(): Set<string> {
  if (commands) return commands;
  const help = execFileSync(join(root, 'node_modules/.bin/node'), ['--import', 'tsx', 'src/cli.ts', '--help'], {
    cwd: root,
    encoding: 'utf8',
  });
  const section = help.split(/^commands:\s*$/im)[1] ?? '';
  commands = new Set([...section.matchAll(/^\s{2}([a-z][\w-]*)/gm)].map((m) => m[1]!));
  return commands;
}

describe('the image (Dockerfile, final stage)', () => {
  it('runs as a named non-root user', () => {
    expect(user).toMatch(/^[a-z_][a-z0-9_-]*$/);
    expect(['root', '0']).not.toContain(user.split(':')[0]);
  });

  it('keeps the app root-owned and read-only to that user (no COPY --chown)', () => {
    expect(copiesOf(image).filter((c) => c.chown)).toEqual([]);
  });

  it('puts DATA_DIR outside the app, creates it owned by the runtime user, and declares it a volume', () => {
    const dataDir = env.DATA_DIR ?? '';
    expect(isAbsolute(dataDir)).toBe(true);
    expect(posix.relative(workdir, dataDir).startsWith('..')).toBe(true);
    const runs = all(image, 'RUN').map((r) => r.args);
    expect(runs.some((r) => new RegExp(`mkdir -p (\\S+ )*${dataDir}( |$)`).test(r))).toBe(true);
    expect(runs.some((r) => new RegExp(`chown ${user}(:${user})? (\\S+ )*${dataDir}( |$)`).test(r))).toBe(true);
    expect(volumesOf(image)).toContain(dataDir);
    // USER comes after the RUN that creates the folder (RUN as root), before the command.
    const at = (k: string) => image.instructions.findIndex((i) => i.keyword === k);
    expect(at('USER')).toBeGreaterThan(at('RUN'));
  });

  it('runs the CLI in exec form, and its default command is a real CLI command', () => {
    expect(entrypoint).toEqual(['node', 'bin/lead-router.js']);
    expect(copiesOf(image).some((c) => c.sources.includes('bin') && c.from === undefined)).toBe(true);
    expect(cmd).toHaveLength(1);
    expect(cliCommands()).toContain(cmd[0]);
  });

  it('listens on all interfaces, exposes PORT and WORKER_PORT, and has an exec-form HEALTHCHECK shipped in the image', () => {
    expect(env.HOST).toBe('0.0.0.0');
    expect(Number(env.WORKER_PORT)).toBeGreaterThan(0);
    expect(all(image, 'EXPOSE').flatMap((e) => e.args.split(/\s+/))).toEqual(
      expect.arrayContaining([env.PORT, env.WORKER_PORT]),
    );
    const probe = healthcheckCommand(image);
    expect(probe?.[0]).toBe('node');
    expect(probe?.[1]).toMatch(/^bin\//); // copied with bin/
    expect(readFileSync(join(root, probe![1]!), 'utf8')).toMatch(/WORKER_PORT/);
  });

  it('copies into the image nothing that .dockerignore leaves out of the build context', () => {
    const fromContext = stages.flatMap((s) =>
      copiesOf(s)
        .filter((c) => c.from === undefined)
        .flatMap((c) => c.sources),
    );
    const files = execFileSync('git', ['ls-files', '--', ...fromContext], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
    expect(files.length).toBeGreaterThan(fromContext.length);
    expect(files.filter((f) => dockerignoreExcludes(f))).toEqual([]);
    for (const heavy of [
      'node_modules',
      '.git/config',
      'dist/src/cli.js',
      'data/x',
      '.tmp/logs',
      'test/e2e/x.test.ts',
    ]) {
      expect(dockerignoreExcludes(heavy), heavy).toBe(true);
    }
  });
});

describe('compose.yaml', () => {
  interface Service {
    image?: string;
    build?: unknown;
    pull_policy?: string;
    command?: string[];
    environment?: Record<string, string>;
    volumes?: string[];
    healthcheck?: { disable?: boolean; test?: unknown };
  }
  const compose = parse(readFileSync(join(root, 'compose.yaml'), 'utf8'), { merge: true }) as {
    services: Record<string, Service>;
  };
  const app = Object.entries(compose.services).filter(([, s]) => s.command && cliCommands().has(s.command[0]!));

  it('runs migrate, serve and worker, each a real CLI command', () => {
    expect(app.map(([, s]) => s.command![0]).sort()).toEqual(['migrate', 'serve', 'worker']);
  });

  it('builds one image once and every app service runs that image', () => {
    const images = new Set(app.map(([, s]) => s.image));
    expect(images.size).toBe(1);
    expect([...images][0]).toBeTruthy();
    const builders = app.filter(([, s]) => s.build !== undefined);
    expect(builders).toHaveLength(1);
    // The others must not try to pull an image that only exists once built here.
    for (const [name, s] of app.filter(([, s]) => s.build === undefined)) expect(s.pull_policy, name).toBe('never');
  });

  it('requires intake keys and admin tokens from the environment, and points at Postgres and Redis', () => {
    for (const [name, s] of app) {
      expect(s.environment?.INTAKE_API_KEYS, name).toMatch(/^\$\{INTAKE_API_KEYS:\?/);
      expect(s.environment?.ADMIN_TOKENS, name).toMatch(/^\$\{ADMIN_TOKENS:\?/);
      expect(s.environment?.DATABASE_URL, name).toMatch(/^postgres:\/\//);
      expect(s.environment?.REDIS_URL, name).toMatch(/^redis:\/\//);
    }
  });

  it('mounts a config folder and CONFIG_FILE names a file inside it', () => {
    for (const [name, s] of app) {
      // SOURCE:TARGET[:ro]; the source may hold `${VAR:-default}`, so read from the right.
      const targets = (s.volumes ?? []).map(
        (v) =>
          v
            .replace(/:(ro|rw)$/, '')
            .split(':')
            .at(-1) ?? '',
      );
      const configFile = s.environment?.CONFIG_FILE ?? '';
      expect(
        targets.some((t) => t && configFile.startsWith(`${t}/`)),
        name,
      ).toBe(true);
    }
  });

  it('keeps a healthcheck on serve and worker (the image one), and the worker health port on', () => {
    for (const [name, s] of app.filter(([, s]) => s.command![0] !== 'migrate')) {
      expect(s.healthcheck?.disable, name).not.toBe(true);
      expect(Number(s.environment?.WORKER_PORT ?? env.WORKER_PORT), name).toBeGreaterThan(0);
    }
    expect(healthcheckCommand(image)).toBeDefined();
  });
});
