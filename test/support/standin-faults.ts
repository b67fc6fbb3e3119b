// One fault-injection API for every CRM stand-in (hubspot-standin.ts, salesforce-standin.ts), so
// the conformance suite and the chaos tests drive either CRM the same way:
//
//   standIn.faults.next({ kind: 'status', status: 503, body: '<html>...</html>' });      // once
//   standIn.faults.next({ kind: 'reset', times: 2 });                                    // twice
//   standIn.faults.next({ kind: 'hang', times: Infinity, match: { method: 'PATCH' } });  // until clear()
//
// Faults queue in order; the first one whose `match` fits an API request (the OAuth token
// endpoint is never faulted) answers it, `times` times (default 1). `status` answers with that
// status, headers and body (an object is sent as JSON, a string as text/html, undefined as the
// CRM's own generic body for that status, null as no body); `reset` drops the connection with a
// TCP RST before any answer; `hang` reads the request and never answers (the socket stays open
// until the client gives up or the stand-in closes). Each CRM module exports builders for its
// real shapes (hubspotFaults, salesforceFaults).
import type { IncomingMessage, ServerResponse } from 'node:http';

export type Fault = (
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'reset' }
  | { kind: 'hang' }
) & {
  /** How many matching requests this fault answers; Infinity = until faults.clear(). Default 1. */
  times?: number;
  /** Which API requests it applies to (all when absent). */
  match?: { method?: string; path?: string | RegExp };
};

export interface FaultInjector {
  next(fault: Fault): void;
  clear(): void;
  /** Requests held open by a `hang` fault right now (0 once the client aborted them). */
  hanging(): number;
  /** Faults applied so far, by kind. */
  applied: { status: number; reset: number; hang: number };
}

export interface FaultRunner extends FaultInjector {
  /** Answers `req` with the first matching fault; true when it did (the caller stops). */
  apply(req: IncomingMessage, res: ServerResponse, path: string, defaultBody: (status: number) => unknown): boolean;
}

export function createFaults(): FaultRunner {
  let queue: Array<Fault & { left: number }> = [];
  let hung = 0;
  const applied = { status: 0, reset: 0, hang: 0 };
  const fits = (f: Fault, method: string, path: string) => {
    if (f.match?.method && f.match.method.toUpperCase() !== method.toUpperCase()) return false;
    const p = f.match?.path;
    if (p === undefined) return true;
    return typeof p === 'string' ? path === p || path.endsWith(p) : p.test(path);
  };
  return {
    next(fault) {
      queue.push({ ...fault, left: fault.times ?? 1 });
    },
    clear() {
      queue = [];
    },
    hanging: () => hung,
    applied,
    apply(req, res, path, defaultBody) {
      const i = queue.findIndex((f) => f.left > 0 && fits(f, req.method ?? 'GET', path));
      if (i === -1) return false;
      const f = queue[i]!;
      f.left -= 1;
      if (f.left <= 0) queue.splice(i, 1);
      applied[f.kind] += 1;
      if (f.kind === 'reset') {
        // resetAndDestroy sends a TCP RST: the client sees ECONNRESET, as with a dropped connection.
        const socket = req.socket as typeof req.socket & { resetAndDestroy?: () => void };
        if (socket.resetAndDestroy) socket.resetAndDestroy();
        else socket.destroy();
        return true;
      }
      if (f.kind === 'hang') {
        hung += 1;
        req.socket.once('close', () => {
          hung -= 1;
        });
        return true;
      }
      const body = f.body === undefined ? defaultBody(f.status) : f.body;
      const text = body === null ? '' : typeof body === 'string' ? body : JSON.stringify(body);
      const type = typeof body === 'string' ? 'text/html' : 'application/json;charset=UTF-8';
      res.writeHead(f.status, { 'content-type': type, ...f.headers });
      res.end(text);
      return true;
    },
  };
}
