// jsforce's HTTP, replaced. jsforce 3 sends through node-fetch with no connect timeout, a
// 30-minute total timeout, no way to pass an agent (it overwrites `agent`), and its own retries of
// GETs on 5xx/429/resets with real sleeps (up to 5, 0.5-8 s apart) that our classification and
// backoff never see. So every Connection gets this transport instead (for REST calls and for the
// OAuth token endpoint alike):
// - each request goes through our timeout agent (connectors/http): a connect past
//   connectTimeoutMs or an answer past requestTimeoutMs aborts the request and frees its socket;
// - no retries here: callApi and writeOwners retry what classify-error calls retryable;
// - the status and headers of the last answer are recorded for the API call in progress
//   (AsyncLocalStorage), because jsforce's HttpApiError keeps the body's errorCode but drops the
//   status, and classification goes by status first (a 500 is retried whatever its errorCode).
// The shape is jsforce's Transport: httpRequest(req) -> Promise<{ statusCode, headers, body }>
// with a .stream() (jsforce pipes it for streaming callers; we hand it the whole body).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Agent } from 'node:http';
import { PassThrough } from 'node:stream';
import type { Connection } from 'jsforce';
import { sendHttp, timeoutAgent, type HttpAnswer, type TimeoutOptions } from '../http/index.js';

/** What the last HTTP answer of one API call was (a refresh and replay make several). */
export interface LastAnswer {
  status?: number;
  headers?: Record<string, string>;
}

const answers = new AsyncLocalStorage<LastAnswer>();

/** Runs `fn`, recording into `into` the status and headers of the last answer it got. */
export function recordingAnswers<T>(into: LastAnswer, fn: () => Promise<T>): Promise<T> {
  return answers.run(into, fn);
}

interface JsforceRequest {
  method: string;
  url: string;
  headers?: Record<string, string | number | undefined>;
  body?: string | Buffer;
}

export function installTransport(conn: Connection, opts: TimeoutOptions): void {
  const agents = new Map<string, Agent>();
  const agentFor = (url: string): Agent => {
    const key = new URL(url).protocol;
    let agent = agents.get(key);
    if (!agent) {
      agent = timeoutAgent(url, opts);
      agents.set(key, agent);
    }
    return agent;
  };
  const transport = {
    httpRequest(req: JsforceRequest) {
      const stream = new PassThrough();
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers ?? {})) if (v !== undefined) headers[k] = String(v);
      const promise = sendHttp(
        req.url,
        { method: req.method, headers, ...(req.body !== undefined && { body: req.body }) },
        agentFor(req.url),
      ).then(
        (res: HttpAnswer) => {
          const seen = answers.getStore();
          if (seen) {
            seen.status = res.statusCode;
            seen.headers = res.headers;
          }
          stream.end(res.body);
          return res;
        },
        (err: unknown) => {
          stream.destroy();
          throw err;
        },
      );
      return Object.assign(promise, { stream: () => stream });
    },
  };
  // Private fields in jsforce's types; both are read on every request, so replacing them is enough.
  (conn as unknown as { _transport: unknown })._transport = transport;
  (conn.oauth2 as unknown as { _transport: unknown })._transport = transport;
}
