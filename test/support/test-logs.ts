// Every service logger a test starts writes at `trace`, whatever the test shows on the console,
// to .tmp/logs/<test file>-<pid>.log, and every spawned CLI's output is copied to
// .tmp/logs/cli-<command>-<pid>.log. After the suite, .ci/test scans them all for the test
// credentials (scan-logs.ts): a secret that reached any log line at any level fails the run.
// Asynchronous writes (sonic-boom), so the suite does not wait on the disk.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { expect } from 'vitest';
import { createLogger, type Logger } from '../../src/logger.js';

export const logDir = fileURLToPath(new URL('../../.tmp/logs', import.meta.url));

const destinations = new Map<string, pino.DestinationStream & { flushSync?: () => void }>();

/** The test file that is running (its base name), so a finding points at the test that logged it. */
function currentTestFile(): string {
  try {
    const path = expect.getState().testPath;
    if (path) return basename(path).replace(/\.test\.ts$/, '');
  } catch {
    // outside a test (a bench): no state
  }
  return 'process';
}

function destination(file: string) {
  let dest = destinations.get(file);
  if (!dest) {
    mkdirSync(logDir, { recursive: true });
    dest = pino.destination({ dest: file, sync: false, append: true, mkdir: true });
    destinations.set(file, dest);
    const d = dest;
    // The tail of the buffer, when the test process ends.
    process.once('exit', () => {
      try {
        d.flushSync?.();
      } catch {
        // a write in progress: what is on disk is what we scan
      }
    });
  }
  return dest;
}

/** This test file's log (this process's part of it). */
export function testLogPath(name = currentTestFile()): string {
  return join(logDir, `${name}-${process.pid}.log`);
}

/** A logger of the service (same serializers, redaction and scrub) writing `trace` to this test file's log. */
export function testLogger(name = currentTestFile()): Logger {
  return createLogger({ level: 'trace' }, destination(testLogPath(name)));
}

/** A file a child process's output is copied to. */
export function childLogStream(command: string, pid: number | undefined): WriteStream {
  mkdirSync(logDir, { recursive: true });
  return createWriteStream(join(logDir, `cli-${currentTestFile()}-${command}-${pid ?? 'nopid'}.log`), { flags: 'a' });
}
