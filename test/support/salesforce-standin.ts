// A local stand-in for the Salesforce REST API on node:http, enough for the connector to run
// end to end with jsforce's real HTTP: OAuth token endpoint, SOQL query (a small subset),
// sObject Collections PATCH, sObject describe. Every collections write is recorded so tests can
// assert what reached "Salesforce" (e.g. OwnerId set exactly once). Failures can be injected.
// Why not nock for bodies: with nock 15, jsforce 3's streamed request bodies (PATCH/POST, incl.
// the OAuth token POST) never get their mocked response, so those calls are asserted here on a
// real socket; GET calls (SOQL, describe) are asserted with nock.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandinOptions {
  /** 0 (default) = an ephemeral port. */
  port?: number;
  accessToken?: string;
  /** Token endpoint accepts this refresh token (grant_type=refresh_token). */
  refreshToken?: string;
  organizationId?: string;
  /** Initial records by sObject type; each needs Id. */
  records?: Record<string, Array<Record<string, unknown>>>;
}

export interface RecordedWrite {
  type: string;
  id: string;
  fields: Record<string, unknown>;
  headers: Record<string, string | undefined>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface SalesforceStandin {
  url: string;
  /** Every request as it arrived on the wire (raw headers and body). */
  requests: RecordedRequest[];
  records: Map<string, Map<string, Record<string, unknown>>>;
  writes: RecordedWrite[];
  queries: string[];
  tokenRequests: Array<Record<string, string>>;
  /** The next `times` writes to `id` fail with this SaveResult error. */
  failWrite(id: string, statusCode: string, message: string, times?: number): void;
  /** The next API (non-token) request is answered with this status and JSON body. */
  failNextRequest(status: number, body: unknown): void;
  close(): Promise<void>;
}

export async function startSalesforceStandin(opts: StandinOptions = {}): Promise<SalesforceStandin> {
  let accessToken = opts.accessToken ?? 'standin-access-token';
  const orgId = opts.organizationId ?? '00D5g000004XyZaEAK';
  const records = new Map<string, Map<string, Record<string, unknown>>>();
  for (const [type, rows] of Object.entries(opts.records ?? {})) {
    records.set(type, new Map(rows.map((r) => [String(r['Id']), { ...r }])));
  }
  const writes: RecordedWrite[] = [];
  const queries: string[] = [];
  const tokenRequests: Array<Record<string, string>> = [];
  const failures = new Map<string, { statusCode: string; message: string; times: number }>();
  const requests: RecordedRequest[] = [];
  let nextFailure: { status: number; body: unknown } | undefined;
  let apiUsed = 0;
  let url = '';

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'sforce-limit-info': `api-usage=${apiUsed}/15000` });
    res.end(JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const u = new URL(req.url ?? '/', url);
    requests.push({ method: req.method ?? 'GET', path: u.pathname + u.search, headers: { ...req.headers }, body });
    if (req.method === 'POST' && u.pathname === '/services/oauth2/token') {
      const params = Object.fromEntries(new URLSearchParams(body));
      tokenRequests.push(params);
      if (params['grant_type'] === 'refresh_token' && params['refresh_token'] !== opts.refreshToken) {
        return send(res, 400, { error: 'invalid_grant', error_description: 'expired access/refresh token' });
      }
      accessToken = `standin-token-${tokenRequests.length}`;
      return send(res, 200, {
        access_token: accessToken, token_type: 'Bearer', instance_url: url, issued_at: String(Date.now()),
        id: `${url}/id/${orgId}/0055g000003QrStAAK`, signature: 'standin', scope: 'api',
      });
    }
    if (req.headers.authorization !== `Bearer ${accessToken}`) {
      return send(res, 401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    }
    apiUsed++;
    if (nextFailure) {
      const f = nextFailure;
      nextFailure = undefined;
      return send(res, f.status, f.body);
    }
    const m = /^\/services\/data\/v\d+\.\d+(\/.*)$/.exec(u.pathname);
    const path = m?.[1] ?? '';
    if (req.method === 'GET' && path === '/query') {
      const soql = u.searchParams.get('q') ?? '';
      queries.push(soql);
      return send(res, 200, runQuery(soql, records));
    }
    if (req.method === 'PATCH' && path === '/composite/sobjects') {
      const parsed = JSON.parse(body) as { records: Array<Record<string, unknown>> };
      const results = parsed.records.map((r) => applyWrite(r, req, records, writes, failures));
      return send(res, 200, results);
    }
    const describe = /^\/sobjects\/(\w+)\/describe$/.exec(path);
    if (req.method === 'GET' && describe) {
      const rows = [...(records.get(describe[1]!)?.values() ?? [])];
      const names = new Set(['Id', ...rows.flatMap((r) => Object.keys(r))]);
      return send(res, 200, { name: describe[1], fields: [...names].map((n) => ({ name: n, label: n, type: n === 'Id' ? 'id' : 'string' })) });
    }
    return send(res, 404, [{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }]);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => send(res, 500, [{ message: String(err), errorCode: 'UNKNOWN_EXCEPTION' }]));
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url, requests, records, writes, queries, tokenRequests,
    failNextRequest(status, body) {
      nextFailure = { status, body };
    },
    failWrite(id, statusCode, message, times = 1) {
      failures.set(id, { statusCode, message, times });
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function applyWrite(
  r: Record<string, unknown>,
  req: IncomingMessage,
  records: Map<string, Map<string, Record<string, unknown>>>,
  writes: RecordedWrite[],
  failures: Map<string, { statusCode: string; message: string; times: number }>,
) {
  const { attributes, id, ...fields } = r as { attributes: { type: string }; id: string };
  const f = failures.get(id);
  if (f && f.times > 0) {
    f.times--;
    return { id, success: false, errors: [{ statusCode: f.statusCode, message: f.message, fields: [] }] };
  }
  const row = records.get(attributes.type)?.get(id);
  if (!row) return { success: false, errors: [{ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }] };
  Object.assign(row, fields);
  const h = (n: string) => (req.headers[n] as string | undefined);
  writes.push({ type: attributes.type, id, fields, headers: { 'sforce-auto-assign': h('sforce-auto-assign'), 'sforce-call-options': h('sforce-call-options') } });
  return { id, success: true, errors: [] };
}

/** SELECT a, b FROM Obj [WHERE Id IN ('x', ...) | WHERE F = 'v' AND G = true] — all the connector sends. */
function runQuery(soql: string, records: Map<string, Map<string, Record<string, unknown>>>) {
  const m = /^SELECT (.+?) FROM (\w+)(?: WHERE (.+?))?(?: ORDER BY .*)?$/i.exec(soql.trim());
  if (!m) return { totalSize: 0, done: true, records: [] };
  const fields = m[1]!.split(',').map((s) => s.trim());
  let rows = [...(records.get(m[2]!)?.values() ?? [])];
  const where = m[3] ?? '';
  const inList = /Id IN \((.*)\)/i.exec(where);
  if (inList) {
    const ids = new Set([...inList[1]!.matchAll(/'((?:\\.|[^'])*)'/g)].map((x) => x[1]));
    rows = rows.filter((r) => ids.has(String(r['Id'])));
  } else if (where) {
    for (const cond of where.split(/\s+AND\s+/i)) {
      const c = /^(\w+)\s*=\s*(?:'([^']*)'|(true|false))$/.exec(cond.trim());
      if (c) rows = rows.filter((r) => String(r[c[1]!]) === (c[2] ?? c[3]));
    }
  }
  const out = rows.map((r) => ({ attributes: { type: m[2] }, ...Object.fromEntries(fields.map((f) => [f, r[f] ?? null])) }));
  return { totalSize: out.length, done: true, records: out };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
