// One owner per embedded data folder: the lock a second opener runs into, and the stale lock a
// crashed holder leaves behind.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirInUseError, lockFileName, readDataDirLock } from '../../../src/db/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lead-router-lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The pid of a process that has exited (and was reaped): nobody holds it now. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

it('refuses a second owner with the folder and the holder, and frees the folder on release', () => {
  const lock = acquireDataDirLock(dir, 'serve');
  lock.update({ url: 'http://127.0.0.1:47790' });
  expect(JSON.parse(readFileSync(join(dir, lockFileName), 'utf8'))).toMatchObject({
    pid: process.pid,
    command: 'serve',
    url: 'http://127.0.0.1:47790',
  });
  expect(readDataDirLock(dir)).toMatchObject({ pid: process.pid, url: 'http://127.0.0.1:47790' });

  let refused: unknown;
  try {
    acquireDataDirLock(dir, 'config');
  } catch (err) {
    refused = err;
  }
  expect(refused).toBeInstanceOf(DataDirInUseError);
  expect((refused as Error).message).toContain(`the data folder ${dir} is in use by this process (lead-router serve`);

  lock.release();
  expect(existsSync(join(dir, lockFileName))).toBe(false);
  expect(readDataDirLock(dir)).toBeUndefined();
  acquireDataDirLock(dir, 'config').release();
});

it('takes over a lock whose process is gone', () => {
  const pid = deadPid();
  writeFileSync(
    join(dir, lockFileName),
    JSON.stringify({ pid, command: 'serve', host: 'vm', since: '2026-01-01T00:00:00.000Z', url: 'http://127.0.0.1:1' }),
  );
  expect(readDataDirLock(dir)).toBeUndefined(); // a crashed serve is not a service to talk to
  const lock = acquireDataDirLock(dir, 'serve');
  expect(JSON.parse(readFileSync(join(dir, lockFileName), 'utf8')).pid).toBe(process.pid);
  lock.release();
});

it('takes over a lock with our own pid that this process does not hold (a restarted container is pid 1 again)', () => {
  writeFileSync(
    join(dir, lockFileName),
    JSON.stringify({ pid: process.pid, command: 'serve', host: 'old', since: '2026-01-01T00:00:00.000Z' }),
  );
  const lock = acquireDataDirLock(dir, 'serve');
  lock.release();
});

it('refuses when another live process holds the folder, naming its pid', () => {
  // The parent of this process is alive for the whole test and is not us.
  writeFileSync(
    join(dir, lockFileName),
    JSON.stringify({ pid: process.ppid, command: 'migrate', host: 'vm', since: '2026-01-01T00:00:00.000Z' }),
  );
  expect(() => acquireDataDirLock(dir, 'serve')).toThrow(
    `the data folder ${dir} is in use by process ${process.ppid} (lead-router migrate`,
  );
  expect(JSON.parse(readFileSync(join(dir, lockFileName), 'utf8')).pid).toBe(process.ppid); // left alone
});
