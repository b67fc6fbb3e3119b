// Progress of a bulk job in a terminal: a bar on a TTY (cli-progress), else a plain line at most
// every couple of seconds (a CI log or a pipe gets readable lines, not carriage returns).
import { Presets, SingleBar } from 'cli-progress';
import { consoleOutput, type CliOutput } from './cli-context.js';

export interface Progress {
  update(done: number, total: number, detail: string): void;
  stop(): void;
}

const plainEveryMs = 2000;

export function progressFor(io: CliOutput, label: string, opts: { tty?: boolean } = {}): Progress {
  // The bar draws on stderr itself: only when our output is the console (not a test's capture).
  const tty = opts.tty ?? (io === consoleOutput && process.stderr.isTTY === true);
  if (tty) {
    const bar = new SingleBar(
      { format: `${label} [{bar}] {percentage}% {value}/{total} {detail}`, stream: process.stderr, hideCursor: true },
      Presets.shades_classic,
    );
    let started = false;
    return {
      update(done, total, detail) {
        if (!started) bar.start(total, done, { detail });
        started = true;
        bar.setTotal(total);
        bar.update(done, { detail });
      },
      stop: () => started && bar.stop(),
    };
  }
  let lastAt = 0;
  let last = '';
  return {
    update(done, total, detail) {
      last = `${label}: ${done}/${total} ${detail}`;
      if (Date.now() - lastAt < plainEveryMs) return;
      lastAt = Date.now();
      io.err(last);
    },
    stop() {
      if (last) io.err(last);
    },
  };
}
