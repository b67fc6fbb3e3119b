// A small local stand-in for HubSpot's CRM v3 API on node:http, speaking the same paths and JSON
// as the real thing (shapes: /work/shared/crm/hubspot-api.md), for tests and benchmarks:
//   POST /crm/v3/objects/{type}/batch/read     200, or 207 + OBJECT_NOT_FOUND for unknown ids
//   POST /crm/v3/objects/{type}/batch/update   200, or 207 + OBJECT_NOT_FOUND (with the input's
//                                              objectWriteTraceId); 400 for >100 inputs, a repeated id,
//                                              a property the portal does not have, or an owner id that
//                                              is not an active owner (whole batch, like HubSpot)
//   GET  /crm/v3/objects/{type}?limit&after&properties   list, id order, `after` = the last id; 400 past 100 a page
//   POST /crm/v3/objects/{type}/search         filters (EQ, NEQ, GT, GTE, LT, LTE, HAS_PROPERTY) AND-ed, sorts,
//                                              limit <= 200, `after` an offset: 400 at 10,000 (HubSpot's cap)
//   GET  /crm/v3/owners[/]?after&limit&archived  cursor-paged
//   GET  /crm/v3/properties/{type}
//   POST /oauth/v1/token                       refresh_token grant -> a new access token
// It is as strict as HubSpot where it matters to us:
// - unknown properties: 400 VALIDATION_ERROR "Property values were not valid: [...]" with
//   PROPERTY_DOESNT_EXIST per property, and the whole batch fails. Known = HubSpot's default
//   contact properties, the `properties` option, and the keys of seeded records;
// - owners: an id that is not an active owner (unknown or archived) fails the whole batch (400);
// - tokens: with `tokens` set, only those and tokens it minted are accepted (401 INVALID_AUTHENTICATION);
//   expireToken() makes every token issued so far answer 401 EXPIRED_AUTHENTICATION;
//   revokeRefreshToken() makes the token endpoint answer 400 BAD_REFRESH_TOKEN;
// - a rolling-window rate limit (N requests / windowMs) answers 429 with HubSpot's body and headers;
// - faults (standin-faults.ts): status (hubspotFaults has the real bodies), reset, hang.
// Every write is recorded so a test can assert "the owner was set once".
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFaults, type Fault, type FaultInjector } from './standin-faults.js';
import { withLatency, type Latency, type RequestWithLatency } from './standin-latency.js';

export type { Fault, FaultInjector } from './standin-faults.js';

type Props = Record<string, string | null>;

export interface StandInOwner {
  id: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  type?: 'PERSON' | 'QUEUE';
  archived?: boolean;
}

export interface StandInOptions {
  /** 0 (default) = any free port on 127.0.0.1. */
  port?: number;
  /** Bearer tokens accepted (plus any the token endpoint mints); empty/unset = any Authorization is accepted. */
  tokens?: string[];
  /** Refresh tokens the token endpoint accepts; unset = any. */
  refreshTokens?: string[];
  rateLimit?: { requests: number; windowMs: number; sendRetryAfter?: boolean };
  /** Seed records per object type (plural API name, e.g. "contacts"): id -> properties. */
  records?: Record<string, Record<string, Props>>;
  owners?: StandInOwner[];
  properties?: Record<string, Array<{ name: string; label: string; type: string; fieldType: string }>>;
  /** Epoch ms for the rate-limit window; share a fake clock with the connector under test. */
  now?: () => number;
  /** A real portal's round trip on every API call (not the token endpoint); default none. */
  latency?: Latency;
}

export interface RecordedWrite {
  objectType: string;
  id: string;
  properties: Record<string, string>;
  objectWriteTraceId?: string;
}

export interface HubSpotStandIn {
  /** Base URL to use as the connector's baseUrl, e.g. http://127.0.0.1:43817 (no trailing slash). */
  url: string;
  port: number;
  writes: RecordedWrite[];
  /** Every request answered; `body` is the parsed JSON request body (batch reads: ids and properties asked). */
  requests: Array<{
    method: string;
    path: string;
    status: number;
    body?: unknown;
    /** performance.now() when the request was handled (it arrived), and the round trip drawn for it. */
    at: number;
    rttMs: number;
  }>;
  record(objectType: string, id: string): Props | undefined;
  /** Creates or changes a record (merged into its properties); hs_lastmodifieddate / lastmodifieddate become now unless given. */
  putRecord(objectType: string, id: string, props: Props): void;
  deleteRecord(objectType: string, id: string): void;
  /** The next `count` API requests answer `status` with `body` (a 5xx storm, say). Same as faults.next. */
  failNext(count: number, status: number, body?: unknown): void;
  /** Status, reset and hang faults on API requests (see standin-faults.ts). */
  faults: FaultInjector;
  /** Every access token issued so far (and every bearer seen) now answers 401 EXPIRED_AUTHENTICATION. */
  expireToken(): void;
  /** From now on the token endpoint refuses every refresh token (400 BAD_REFRESH_TOKEN). */
  revokeRefreshToken(): void;
  /** Access tokens the token endpoint minted, oldest first. */
  issuedTokens: string[];
  /** Form bodies of every token request. */
  tokenRequests: Array<Record<string, string>>;
  close(): Promise<void>;
}

/** HubSpot's real error answers, ready for faults.next(). */
export const hubspotFaults = {
  /** 429 TEN_SECONDLY_ROLLING, with Retry-After (seconds) when given. */
  tenSecondly: (retryAfterS?: number, times = 1): Fault => ({
    kind: 'status',
    status: 429,
    times,
    body: {
      status: 'error',
      message: 'You have reached your ten_secondly_rolling limit.',
      errorType: 'RATE_LIMIT',
      correlationId: cid(),
      policyName: 'TEN_SECONDLY_ROLLING',
      groupName: 'publicapi:private_app-api-calls-ten-secondly:1:62515',
    },
    headers: retryAfterS === undefined ? {} : { 'Retry-After': String(retryAfterS) },
  }),
  /** 429 DAILY: no Retry-After; resets at midnight in the portal's time zone. */
  daily: (times = 1): Fault => ({
    kind: 'status',
    status: 429,
    times,
    body: {
      status: 'error',
      message: 'You have reached your daily limit.',
      errorType: 'RATE_LIMIT',
      correlationId: cid(),
      policyName: 'DAILY',
      requestId: cid(),
    },
    headers: { 'X-HubSpot-RateLimit-Daily': '250000', 'X-HubSpot-RateLimit-Daily-Remaining': '0' },
  }),
  /** 500 with HubSpot's JSON error body (a category). */
  internalError: (times = 1): Fault => ({
    kind: 'status',
    status: 500,
    times,
    body: { status: 'error', message: 'internal error', correlationId: cid(), category: 'INTERNAL_ERROR' },
  }),
  /** 502 from the edge, HTML body, no code. */
  badGatewayHtml: (times = 1): Fault => ({
    kind: 'status',
    status: 502,
    times,
    body: '<html><body><h1>502 Bad Gateway</h1></body></html>',
  }),
  /** 503 from the edge, HTML body, no code, no Retry-After. */
  unavailableHtml: (times = 1): Fault => ({
    kind: 'status',
    status: 503,
    times,
    body: '<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>',
  }),
};

/** HubSpot's default contact properties (a subset: what our mappings and tests write or read). */
const defaultProperties: Record<string, string[]> = {
  companies: [
    'name',
    'domain',
    'hs_additional_domains',
    'hubspot_owner_id',
    'hs_parent_company_id',
    'type',
    'industry',
    'country',
    'numberofemployees',
    'notes_last_updated',
    'num_associated_contacts',
    'num_associated_deals',
    'hs_num_child_companies',
    'hs_object_id',
    'createdate',
    'hs_lastmodifieddate',
  ],
  contacts: [
    'associatedcompanyid',
    'email',
    'firstname',
    'lastname',
    'company',
    'country',
    'state',
    'city',
    'zip',
    'phone',
    'mobilephone',
    'website',
    'industry',
    'numemployees',
    'annualrevenue',
    'jobtitle',
    'lifecyclestage',
    'hs_lead_status',
    'hs_analytics_source',
    'hubspot_owner_id',
    'hs_object_id',
    'createdate',
    'lastmodifieddate',
  ],
};

const aliases: Record<string, string> = {
  contact: 'contacts',
  '0-1': 'contacts',
  company: 'companies',
  '0-2': 'companies',
  deal: 'deals',
  '0-3': 'deals',
  lead: 'leads',
  '0-136': 'leads',
};

export async function startHubSpotStandIn(opts: StandInOptions = {}): Promise<HubSpotStandIn> {
  const now = opts.now ?? (() => Date.now());
  const store = new Map<string, Map<string, Props>>();
  for (const [type, recs] of Object.entries(opts.records ?? {}))
    store.set(aliases[type] ?? type, new Map(Object.entries(recs)));
  const owners = opts.owners ?? [];
  const writes: RecordedWrite[] = [];
  const requests: HubSpotStandIn['requests'] = [];
  const sent: number[] = [];
  const faults = createFaults();
  const issuedTokens: string[] = [];
  const tokenRequests: Array<Record<string, string>> = [];
  const seenTokens = new Set<string>();
  const expired = new Set<string>();
  let refreshRevoked = false;

  const server = createServer(withLatency(handleRequest, opts.latency, (req) => (req.url ?? '').startsWith('/oauth/')));
  function handleRequest(req: IncomingMessage, res: ServerResponse): void {
    void readBody(req).then((raw) => {
      const url = new URL(req.url ?? '/', 'http://standin');
      const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        requests.push({
          method: req.method ?? '',
          path: url.pathname,
          status,
          ...(raw && { body: parseJson(raw) }),
          at: performance.now(),
          rttMs: (req as RequestWithLatency).latencyMs ?? 0,
        });
        send(res, status, body, { ...rateHeaders(), ...headers });
      };
      const limit = opts.rateLimit;
      const rateHeaders = (): Record<string, string> =>
        limit
          ? {
              'X-HubSpot-RateLimit-Max': String(limit.requests),
              'X-HubSpot-RateLimit-Remaining': String(Math.max(0, limit.requests - sent.length)),
              'X-HubSpot-RateLimit-Interval-Milliseconds': String(limit.windowMs),
            }
          : {};
      if (url.pathname === '/oauth/v1/token') {
        const form = Object.fromEntries(new URLSearchParams(raw));
        tokenRequests.push(form);
        const rt = form['refresh_token'];
        if (refreshRevoked || !rt || (opts.refreshTokens && !opts.refreshTokens.includes(rt))) {
          // HubSpot's answer to a revoked or unknown refresh token.
          return answer(400, {
            status: 'BAD_REFRESH_TOKEN',
            message: 'missing or unknown refresh token',
            correlationId: cid(),
            requestId: cid(),
          });
        }
        const accessToken = `standin-at-${issuedTokens.length + 1}-${now()}`;
        issuedTokens.push(accessToken);
        return answer(200, { token_type: 'bearer', access_token: accessToken, refresh_token: rt, expires_in: 1800 });
      }
      if (faults.apply(req, res, url.pathname, defaultError)) {
        requests.push({
          method: req.method ?? '',
          path: url.pathname,
          status: res.headersSent ? res.statusCode : 0,
          at: performance.now(),
          rttMs: (req as RequestWithLatency).latencyMs ?? 0,
        });
        return;
      }
      const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      if (bearer) seenTokens.add(bearer);
      if (expired.has(bearer)) {
        return answer(401, {
          status: 'error',
          message: 'The OAuth token used to make this call expired 0 hour(s) ago.',
          correlationId: cid(),
          category: 'EXPIRED_AUTHENTICATION',
        });
      }
      if (opts.tokens?.length && !opts.tokens.includes(bearer) && !issuedTokens.includes(bearer)) {
        return answer(401, {
          status: 'error',
          message: 'Authentication credentials not found.',
          correlationId: cid(),
          category: 'INVALID_AUTHENTICATION',
        });
      }
      if (limit) {
        while (sent.length > 0 && sent[0]! <= now() - limit.windowMs) sent.shift();
        if (sent.length >= limit.requests) {
          // 429s do not count here (they do at HubSpot): keeps the window easy to reason about in tests.
          const waitMs = sent[0]! + limit.windowMs - now();
          return answer(
            429,
            {
              status: 'error',
              message: 'You have reached your ten_secondly_rolling limit.',
              errorType: 'RATE_LIMIT',
              correlationId: cid(),
              policyName: 'TEN_SECONDLY_ROLLING',
              groupName: 'publicapi:private_app-api-calls-ten-secondly:1:62515',
            },
            limit.sendRetryAfter === false ? {} : { 'Retry-After': String(Math.max(1, Math.ceil(waitMs / 1000))) },
          );
        }
        sent.push(now());
      }
      route(req.method ?? 'GET', url, raw, answer);
    });
  }

  // Ids in numeric order per object type, rebuilt after a change: list pages binary-search it.
  const sortedIds = new Map<string, string[]>();
  const idsOf = (type: string): string[] => {
    let ids = sortedIds.get(type);
    if (!ids) {
      ids = [...(store.get(type)?.keys() ?? [])].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
      sortedIds.set(type, ids);
    }
    return ids;
  };

  function route(method: string, url: URL, raw: string, answer: (status: number, body: unknown) => void): void {
    const list = /^\/crm\/v3\/objects\/([^/]+)$/.exec(url.pathname);
    if (method === 'GET' && list) {
      const type = aliases[list[1]!] ?? list[1]!;
      const limit = Number(url.searchParams.get('limit') ?? 10);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100)
        return answer(400, validation(`limit must be between 1 and 100 (was ${url.searchParams.get('limit')})`));
      const names = url.searchParams
        .getAll('properties')
        .flatMap((p) => p.split(','))
        .filter(Boolean);
      const ids = idsOf(type);
      const after = url.searchParams.get('after');
      const start = after === null ? 0 : upperBound(ids, Number(after));
      const page = ids.slice(start, start + limit);
      const recs = store.get(type)!;
      return answer(200, {
        results: page.map((id) => toObject(id, pick(recs.get(id)!, names))),
        ...(start + limit < ids.length && { paging: { next: { after: page.at(-1)!, link: '' } } }),
      });
    }
    const search = /^\/crm\/v3\/objects\/([^/]+)\/search$/.exec(url.pathname);
    if (method === 'POST' && search) {
      const type = aliases[search[1]!] ?? search[1]!;
      const body = (parseJson(raw) ?? {}) as SearchBody;
      const limit = body.limit ?? 10;
      const offset = Number(body.after ?? 0);
      if (limit > 200) return answer(400, validation(`limit must be less than or equal to 200 (was ${limit})`));
      // HubSpot's search returns at most 10,000 results for one query; paging past them is refused.
      if (offset + limit > 10_000)
        return answer(400, validation('The search API returns at most 10,000 results; after + limit exceeds 10000'));
      const recs = store.get(type) ?? new Map<string, Props>();
      let rows = [...recs.entries()].filter(([id, p]) => matchesSearch({ ...p, hs_object_id: id }, body));
      for (const sort of [...(body.sorts ?? [])].reverse()) {
        const name = typeof sort === 'string' ? sort : sort.propertyName;
        const dir = typeof sort === 'string' || sort.direction !== 'DESCENDING' ? 1 : -1;
        rows = rows.sort(
          ([ia, a], [ib, b]) =>
            dir * compareValues(value({ ...a, hs_object_id: ia }, name), value({ ...b, hs_object_id: ib }, name)),
        );
      }
      const page = rows.slice(offset, offset + limit);
      return answer(200, {
        total: rows.length,
        results: page.map(([id, p]) => toObject(id, pick(p, body.properties ?? []))),
        ...(offset + limit < rows.length && { paging: { next: { after: String(offset + limit) } } }),
      });
    }
    const batch = /^\/crm\/v3\/objects\/([^/]+)\/batch\/(read|update)$/.exec(url.pathname);
    if (method === 'POST' && batch) {
      const type = aliases[batch[1]!] ?? batch[1]!;
      const recs = store.get(type) ?? new Map<string, Props>();
      store.set(type, recs);
      const body = JSON.parse(raw || '{}') as {
        inputs?: Array<{ id: string; properties?: Record<string, string>; objectWriteTraceId?: string }>;
        properties?: string[];
      };
      const inputs = body.inputs ?? [];
      if (inputs.length > 100)
        return answer(
          400,
          validation(
            'The maximum number of inputs supported in a batch is 100. Please reduce the number of items and try again',
          ),
        );
      if (new Set(inputs.map((i) => i.id)).size !== inputs.length)
        return answer(400, validation('Duplicate IDs found in batch input'));
      const missing = inputs.filter((i) => !recs.has(i.id));
      const found = inputs.filter((i) => recs.has(i.id));
      if (batch[2] === 'update') {
        // HubSpot validates property names before anything else; one unknown name fails the batch.
        const known = knownProperties(type);
        const unknown = [
          ...new Set(inputs.flatMap((i) => Object.keys(i.properties ?? {})).filter((n) => !known.has(n))),
        ];
        if (unknown.length > 0) {
          const details = unknown.map((name) => ({
            isValid: false,
            message: `Property "${name}" does not exist`,
            error: 'PROPERTY_DOESNT_EXIST',
            name,
            localizedErrorMessage: `Property "${name}" does not exist`,
          }));
          return answer(400, validation(`Property values were not valid: ${JSON.stringify(details)}`));
        }
        for (const i of found) {
          const owner = i.properties?.hubspot_owner_id;
          if (owner && !owners.some((o) => o.id === owner && !o.archived)) {
            return answer(
              400,
              validation(
                `Property values were not valid: [{"isValid":false,"message":"${owner} was not one of the allowed options","error":"INVALID_OPTION","name":"hubspot_owner_id"}]`,
              ),
            );
          }
        }
        for (const i of found) {
          writes.push({
            objectType: type,
            id: i.id,
            properties: { ...i.properties },
            ...(i.objectWriteTraceId && { objectWriteTraceId: i.objectWriteTraceId }),
          });
          Object.assign(recs.get(i.id)!, i.properties);
        }
      }
      const results = found.map((i) =>
        toObject(i.id, batch[2] === 'read' ? pick(recs.get(i.id)!, body.properties ?? []) : { ...i.properties }),
      );
      const stamp = new Date(now()).toISOString();
      if (missing.length === 0)
        return answer(200, { status: 'COMPLETE', results, startedAt: stamp, completedAt: stamp });
      const context: Record<string, string[]> = { ids: missing.map((i) => i.id) };
      const traces = missing.flatMap((i) => i.objectWriteTraceId ?? []);
      if (traces.length) context.objectWriteTraceId = traces;
      return answer(207, {
        status: 'COMPLETE',
        results,
        numErrors: 1,
        errors: [
          {
            status: 'error',
            category: 'OBJECT_NOT_FOUND',
            message: `Could not get some ${type.toUpperCase()} objects, they may be deleted or not exist. Check that ids are valid.`,
            context,
          },
        ],
        startedAt: stamp,
        completedAt: stamp,
      });
    }
    if (method === 'GET' && /^\/crm\/v3\/owners\/?$/.test(url.pathname)) {
      const archived = url.searchParams.get('archived') === 'true';
      const limit = Number(url.searchParams.get('limit') ?? 100);
      const list = owners.filter((o) => (o.archived ?? false) === archived);
      const start = url.searchParams.has('after')
        ? list.findIndex((o) => o.id === url.searchParams.get('after')) + 1
        : 0;
      const page = list.slice(start, start + limit);
      const last = page.at(-1);
      const more = start + limit < list.length && last;
      return answer(200, {
        results: page.map((o) => ({
          type: 'PERSON',
          archived: false,
          createdAt: '2020-01-01T00:00:00.000Z',
          updatedAt: '2020-01-01T00:00:00.000Z',
          ...o,
        })),
        ...(more && { paging: { next: { after: last.id } } }),
      });
    }
    const props = /^\/crm\/v3\/properties\/([^/]+)$/.exec(url.pathname);
    if (method === 'GET' && props) {
      const list = opts.properties?.[aliases[props[1]!] ?? props[1]!];
      if (!list)
        return answer(404, {
          status: 'error',
          message: `Unable to infer object type from: ${props[1]}`,
          correlationId: cid(),
          category: 'OBJECT_NOT_FOUND',
        });
      return answer(200, {
        results: list.map((p) => ({ description: '', groupName: 'contactinformation', options: [], ...p })),
      });
    }
    answer(404, {
      status: 'error',
      message: `no stand-in route for ${method} ${url.pathname}`,
      correlationId: cid(),
      category: 'OBJECT_NOT_FOUND',
    });
  }

  function knownProperties(type: string): Set<string> {
    const names = new Set([
      ...(defaultProperties[type] ?? ['hubspot_owner_id', 'hs_object_id', 'createdate']),
      ...(opts.properties?.[type] ?? []).map((p) => p.name),
    ]);
    for (const props of store.get(type)?.values() ?? []) for (const k of Object.keys(props)) names.add(k);
    return names;
  }

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    writes,
    requests,
    record: (type, id) => store.get(aliases[type] ?? type)?.get(id),
    putRecord: (rawType, id, props) => {
      const type = aliases[rawType] ?? rawType;
      const recs = store.get(type) ?? new Map<string, Props>();
      store.set(type, recs);
      const stamp = type === 'contacts' ? 'lastmodifieddate' : 'hs_lastmodifieddate';
      if (!recs.has(id)) sortedIds.delete(type);
      recs.set(id, { ...recs.get(id), [stamp]: new Date(now()).toISOString(), ...props });
    },
    deleteRecord: (rawType, id) => {
      const type = aliases[rawType] ?? rawType;
      store.get(type)?.delete(id);
      sortedIds.delete(type);
    },
    failNext: (count, status, body) => faults.next({ kind: 'status', status, body, times: count }),
    faults,
    expireToken: () => {
      for (const t of [...seenTokens, ...issuedTokens, ...(opts.tokens ?? [])]) expired.add(t);
    },
    revokeRefreshToken: () => {
      refreshRevoked = true;
    },
    issuedTokens,
    tokenRequests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Hung requests would keep close() waiting for ever.
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

interface SearchBody {
  filterGroups?: Array<{ filters?: Array<{ propertyName: string; operator: string; value?: string }> }>;
  sorts?: Array<string | { propertyName: string; direction?: string }>;
  properties?: string[];
  limit?: number;
  after?: string | number;
}

/** First index in sorted numeric ids whose id is greater than `after`. */
function upperBound(ids: string[], after: number): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (Number(ids[mid]) <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A property as search compares it: dates (ISO) and numbers as numbers, else the string. */
function value(p: Props, name: string): number | string | null {
  const v = p[name];
  if (v === null || v === undefined || v === '') return null;
  if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  const t = /^\d{4}-\d{2}-\d{2}T/.test(v) ? Date.parse(v) : NaN;
  return Number.isFinite(t) ? t : v;
}

function compareValues(a: number | string | null, b: number | string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/** Filter groups are OR-ed, a group's filters AND-ed (HubSpot's search semantics). */
function matchesSearch(p: Props, body: SearchBody): boolean {
  const groups = body.filterGroups ?? [];
  if (groups.length === 0) return true;
  return groups.some((g) =>
    (g.filters ?? []).every((f) => {
      const v = value(p, f.propertyName);
      if (f.operator === 'HAS_PROPERTY') return v !== null;
      if (f.operator === 'NOT_HAS_PROPERTY') return v === null;
      if (v === null) return false;
      const w = value({ x: f.value ?? null }, 'x');
      const c = compareValues(v, w);
      return f.operator === 'EQ'
        ? c === 0
        : f.operator === 'NEQ'
          ? c !== 0
          : f.operator === 'GT'
            ? c > 0
            : f.operator === 'GTE'
              ? c >= 0
              : f.operator === 'LT'
                ? c < 0
                : f.operator === 'LTE'
                  ? c <= 0
                  : false;
    }),
  );
}

function toObject(id: string, properties: Props) {
  const at = '2026-03-02T10:00:00.000Z';
  return { id, properties: { ...properties, hs_object_id: id }, createdAt: at, updatedAt: at, archived: false };
}

function pick(props: Props, names: string[]): Props {
  return Object.fromEntries(names.map((n) => [n, props[n] ?? null]));
}

/** HubSpot's generic JSON error body for a status (what a fault without a body answers). */
function defaultError(status: number) {
  const category = status === 429 ? 'RATE_LIMITS' : status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_ERROR';
  return {
    status: 'error',
    message: status >= 500 ? 'internal error' : `error ${status}`,
    correlationId: cid(),
    category,
  };
}

function validation(message: string) {
  return { status: 'error', message, correlationId: cid(), category: 'VALIDATION_ERROR' };
}

let seq = 0;
function cid(): string {
  seq += 1;
  return `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`;
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  res.writeHead(status, { 'Content-Type': 'application/json;charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/** X-HubSpot-Signature-v3 as HubSpot computes it (written here from the docs, not from our verifier). */
export function hubspotV3Signature(
  secret: string,
  method: string,
  url: string,
  body: string,
  timestamp: string,
): string {
  return createHmac('sha256', secret)
    .update(method + url + body + timestamp, 'utf8')
    .digest('base64');
}

/** A `POST /webhooks/hubspot` for app.inject, signed (v3) as HubSpot signs it, against inject's default Host. */
export function signedHubSpotWebhook(secret: string, events: unknown[]) {
  const body = JSON.stringify(events);
  const timestamp = String(Date.now());
  const signature = hubspotV3Signature(secret, 'POST', 'http://localhost:80/webhooks/hubspot', body, timestamp);
  return {
    method: 'POST' as const,
    url: '/webhooks/hubspot',
    payload: body,
    headers: {
      'content-type': 'application/json',
      'x-hubspot-request-timestamp': timestamp,
      'x-hubspot-signature-v3': signature,
    },
  };
}

/** Webhook events from [eventId, subscriptionType, objectId, propertyName?] (a property change's value is 'x'). */
export function objectEvents(events: ReadonlyArray<readonly [number, string, number, string?]>) {
  return events.map(([eventId, subscriptionType, objectId, propertyName]) => ({
    eventId,
    subscriptionType,
    objectId,
    ...(propertyName ? { propertyName, propertyValue: 'x' } : {}),
    occurredAt: Date.now(),
    portalId: 62515,
  }));
}
