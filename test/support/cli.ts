// Runs the real CLI as a child process, the way an operator would.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { childLogStream } from './test-logs.js';

export const root = fileURLToPath(new URL('../..', import.meta.url));

export interface CliProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** `compiled` runs bin/lead-router.js (needs `npm run build`); otherwise src/cli.ts through tsx. */
export function spawnCli(
  args: string[],
  env: Record<string, string | undefined>,
  opts: { compiled?: boolean } = {},
): CliProcess {
  const node = `${root}node_modules/.bin/node`;
  const argv = opts.compiled
    ? [`${root}bin/lead-router.js`, ...args]
    : ['--import', 'tsx', `${root}src/cli.ts`, ...args];
  const child = spawn(node, argv, { cwd: root, env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  // Copied to .tmp/logs for the credential scan after the suite (test-logs.ts).
  const log = childLogStream(args[0] ?? 'cli', child.pid);
  child.stdout!.on('data', (d: Buffer) => ((out += d.toString()), log.write(d)));
  child.stderr!.on('data', (d: Buffer) => ((out += d.toString()), log.write(d)));
  child.on('close', () => log.end());
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** The environment a child should see: PATH and HOME, plus what the test sets, nothing else. */
export function childEnv(vars: Record<string, string>): Record<string, string | undefined> {
  return { PATH: process.env.PATH, HOME: process.env.HOME, ...vars };
}
