// Which of our child processes holds the client end of a loopback TCP connection, from /proc
// (Linux): lets the kill -9 scenario kill the worker that is waiting on a CRM write, not just any.
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

/** The pid among `pids` with a socket whose local port is `port` on 127.0.0.1, if any. */
export function pidOwningLocalPort(port: number, pids: number[]): number | undefined {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1];
      if (local && parseInt(local.split(':')[1] ?? '', 16) === port && cols[9]) inodes.add(cols[9]);
    }
  }
  for (const pid of pids) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m && inodes.has(m[1]!)) return pid;
      } catch {
        // the fd closed while we looked
      }
    }
  }
  return undefined;
}
