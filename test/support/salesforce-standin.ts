// A local stand-in for the Salesforce REST API on node:http, enough for the connector to run
// end to end with jsforce's real HTTP: OAuth token endpoint, SOQL query (a small subset),
// sObject Collections PATCH, sObject describe. Every collections write is recorded so tests can
// assert what reached "Salesforce" (e.g. OwnerId set exactly once). Failures can be injected.
// Why not nock for bodies: with nock 15, jsforce 3's own streamed request bodies never got their
// mocked response; the connector now sends through its own transport (bodies whole), but the
// stand-in stays the place where write and token calls are asserted, on a real socket.
// It is as strict as an org where it matters to us:
// - unknown fields: INVALID_FIELD "No such column '<F>' on sobject of type <Obj>", per record in
//   the SaveResult (default) or as a 400 for the whole request (unknownFieldMode: 'request'; which
//   one a real org uses is not confirmed, so both are served). Known = the object's standard
//   fields, the `fields` option, and the keys of seeded records. A SOQL SELECT of an unknown
//   field is a 400 INVALID_FIELD too;
// - owners: OwnerId must be a seeded User (IsActive not false) or Group of Type 'Queue';
//   otherwise per record INVALID_CROSS_REFERENCE_KEY (unknown id), INACTIVE_OWNER_OR_USER
//   (inactive user) or MALFORMED_ID (not an id);
// - deleted records (deleteRecord, or never seeded): per record ENTITY_IS_DELETED;
// - sessions: a wrong or expired token answers 401 INVALID_SESSION_ID; expireToken() expires the
//   current one; revokeRefreshToken() makes the token endpoint answer 400 invalid_grant;
// - faults (standin-faults.ts): status (salesforceFaults has the real bodies), reset, hang;
// - AccountTeamMember exists only in an org with Account Teams on (`accountTeams: true`); otherwise
//   a query of it is a 400 INVALID_TYPE "sObject type 'AccountTeamMember' is not supported", as in
//   an org where the feature was never enabled (the default there). A team member deleted is gone:
//   AccountTeamMember records never go to the recycle bin.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFaults, type Fault, type FaultInjector } from './standin-faults.js';
import { withLatency, type Latency, type RequestWithLatency } from './standin-latency.js';

export type { Fault, FaultInjector } from './standin-faults.js';

/** Salesforce's real error answers, ready for faults.next(). */
export const salesforceFaults = {
  /** 500 with errorCode UNKNOWN_EXCEPTION: the platform failed, not the record. */
  unknownException: (times = 1): Fault => ({
    kind: 'status',
    status: 500,
    times,
    body: [
      {
        message:
          'An unexpected error occurred. Please include this ErrorId if you contact support: 1181741063-37468 (-1260599914)',
        errorCode: 'UNKNOWN_EXCEPTION',
      },
    ],
  }),
  /** 503 with errorCode SERVER_UNAVAILABLE. */
  serverUnavailable: (times = 1): Fault => ({
    kind: 'status',
    status: 503,
    times,
    body: [{ message: 'Server temporarily unavailable. Try again later.', errorCode: 'SERVER_UNAVAILABLE' }],
  }),
  /** 503 from a proxy: HTML, no errorCode. */
  unavailableHtml: (times = 1): Fault => ({
    kind: 'status',
    status: 503,
    times,
    body: '<html><body><h1>503 Service Unavailable</h1></body></html>',
  }),
  /** The org's 24-hour allowance is spent: a 403 with REQUEST_LIMIT_EXCEEDED (no reset time given). */
  requestLimitExceeded: (times = 1): Fault => ({
    kind: 'status',
    status: 403,
    times,
    body: [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }],
  }),
  /** A 429 (concurrency or burst limits), with Retry-After (seconds) when given. */
  tooManyRequests: (retryAfterS?: number, times = 1): Fault => ({
    kind: 'status',
    status: 429,
    times,
    body: [{ message: 'Too many requests', errorCode: 'REQUEST_LIMIT_EXCEEDED_CONCURRENT' }],
    headers: retryAfterS === undefined ? {} : { 'Retry-After': String(retryAfterS) },
  }),
};

/** Standard fields of the objects we write (a subset: what our mappings and tests use). */
const standardFields: Record<string, string[]> = {
  Lead: [
    'Id',
    'OwnerId',
    'FirstName',
    'LastName',
    'Name',
    'Email',
    'Phone',
    'MobilePhone',
    'Company',
    'Title',
    'Status',
    'LeadSource',
    'Industry',
    'Rating',
    'Website',
    'Street',
    'City',
    'State',
    'PostalCode',
    'Country',
    'NumberOfEmployees',
    'AnnualRevenue',
    'IsConverted',
    'CreatedDate',
    'LastModifiedDate',
    'SystemModstamp',
    'IsDeleted',
  ],
  Contact: [
    'Id',
    'OwnerId',
    'FirstName',
    'LastName',
    'Name',
    'Email',
    'Phone',
    'MobilePhone',
    'AccountId',
    'Title',
    'LeadSource',
    'MailingCountry',
    'MailingCity',
    'MailingState',
    'MailingPostalCode',
    'Department',
    'CreatedDate',
    'LastModifiedDate',
    'SystemModstamp',
    'IsDeleted',
  ],
  Account: [
    'Id',
    'Name',
    'Website',
    'OwnerId',
    'ParentId',
    'Type',
    'Industry',
    'BillingCountry',
    'NumberOfEmployees',
    'LastActivityDate',
    'CreatedDate',
    'LastModifiedDate',
    'SystemModstamp',
    'IsDeleted',
  ],
  Opportunity: ['Id', 'Name', 'AccountId', 'OwnerId', 'StageName', 'CloseDate', 'CreatedDate', 'SystemModstamp'],
  AccountTeamMember: [
    'Id',
    'AccountId',
    'UserId',
    'TeamMemberRole',
    'AccountAccessLevel',
    'CaseAccessLevel',
    'ContactAccessLevel',
    'OpportunityAccessLevel',
    'Title',
    'CreatedDate',
    'CreatedById',
    'LastModifiedDate',
    'LastModifiedById',
    'SystemModstamp',
    'IsDeleted',
  ],
  User: ['Id', 'Name', 'Email', 'IsActive', 'UserType', 'Username', 'FirstName', 'LastName'],
  Group: ['Id', 'Name', 'Email', 'Type', 'DeveloperName'],
};

export interface StandinOptions {
  /** 0 (default) = an ephemeral port. */
  port?: number;
  accessToken?: string;
  /** Token endpoint accepts this refresh token (grant_type=refresh_token). */
  refreshToken?: string;
  organizationId?: string;
  /** Initial records by sObject type; each needs Id. Users (005...) and queues (Group, Type 'Queue') are the valid owners. */
  records?: Record<string, Array<Record<string, unknown>>>;
  /** Extra fields per sObject type the org has (custom fields such as Route_Reason__c). */
  fields?: Record<string, string[]>;
  /** How a write naming an unknown field is refused: per record (default) or the whole request (400). */
  unknownFieldMode?: 'record' | 'request';
  /** A real org's round trip on every REST call (not the token endpoint); default none. */
  latency?: Latency;
  /** Rows per query batch before queryMore (Salesforce's default is 2,000). */
  queryBatchSize?: number;
  /** The org's 24-hour API allowance reported in Sforce-Limit-Info (default 15,000). */
  dailyApiLimit?: number;
  /** Account Teams enabled (AccountTeamMember queryable); default off, as a new org. */
  accountTeams?: boolean;
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
  /** performance.now() when the request was handled (it arrived), and the round trip drawn for it. */
  at: number;
  rttMs: number;
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
  /** The next API (non-token) request is answered with this status and JSON body. Same as faults.next. */
  failNextRequest(status: number, body: unknown): void;
  /** Status, reset and hang faults on API requests (see standin-faults.ts). */
  faults: FaultInjector;
  /** The current access token stops working (401 INVALID_SESSION_ID) until a new one is issued. */
  expireToken(): void;
  /** From now on the token endpoint refuses every grant (400 invalid_grant). */
  revokeRefreshToken(): void;
  /** Access tokens the token endpoint issued, oldest first. */
  issuedTokens: string[];
  /** A record is deleted: writes answer ENTITY_IS_DELETED, queries no longer return it; queryAll finds it with IsDeleted true. */
  deleteRecord(type: string, id: string): void;
  /** Creates or changes a record (merged); SystemModstamp becomes now unless given. */
  putRecord(type: string, record: Record<string, unknown> & { Id: string }): void;
  unknownFieldMode: 'record' | 'request';
  /** Account Teams on (AccountTeamMember queryable) or off (INVALID_TYPE), from now on. */
  accountTeams: boolean;
  close(): Promise<void>;
}

export async function startSalesforceStandin(opts: StandinOptions = {}): Promise<SalesforceStandin> {
  let accessToken = opts.accessToken ?? 'standin-access-token';
  const orgId = opts.organizationId ?? '00D5g000004XyZaEAK';
  const records = new Map<string, Map<string, Record<string, unknown>>>();
  // Deleted records (the recycle bin): only queryAll sees them, with IsDeleted true.
  const recycleBin = new Map<string, Map<string, Record<string, unknown>>>();
  // queryMore cursors: locator -> the rows still to hand out.
  const locators = new Map<string, Array<Record<string, unknown>>>();
  let locatorSeq = 0;
  const batchSize = opts.queryBatchSize ?? 2000;
  for (const [type, rows] of Object.entries(opts.records ?? {})) {
    records.set(type, new Map(rows.map((r) => [String(r['Id']), { ...r }])));
  }
  const writes: RecordedWrite[] = [];
  const queries: string[] = [];
  const tokenRequests: Array<Record<string, string>> = [];
  const failures = new Map<string, { statusCode: string; message: string; times: number }>();
  const requests: RecordedRequest[] = [];
  const faults = createFaults();
  const issuedTokens: string[] = [];
  let accessTokenValid = true;
  let grantsRevoked = false;
  let apiUsed = 0;
  let url = '';
  const state = {
    unknownFieldMode: opts.unknownFieldMode ?? ('record' as 'record' | 'request'),
    accountTeams: opts.accountTeams === true,
  };
  // Known fields per type, computed again when its records change in number or through putRecord
  // (a bench org holds a million; scanning them per query would dominate).
  const knownCache = new Map<string, { size: number; known: Set<string> }>();
  const knownFields = (type: string): Set<string> => {
    const size = records.get(type)?.size ?? 0;
    const cached = knownCache.get(type);
    if (cached && cached.size === size) return cached.known;
    const names = new Set([...(standardFields[type] ?? ['Id', 'OwnerId', 'Name']), ...(opts.fields?.[type] ?? [])]);
    for (const row of records.get(type)?.values() ?? []) for (const k of Object.keys(row)) names.add(k);
    const known = new Set([...names].map((n) => n.toLowerCase()));
    knownCache.set(type, { size, known });
    return known;
  };
  const strict = { records, knownFields, state };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, {
      'content-type': 'application/json',
      'sforce-limit-info': `api-usage=${apiUsed}/${opts.dailyApiLimit ?? 15000}`,
    });
    res.end(JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const u = new URL(req.url ?? '/', url);
    requests.push({
      method: req.method ?? 'GET',
      path: u.pathname + u.search,
      headers: { ...req.headers },
      body,
      at: performance.now(),
      rttMs: (req as RequestWithLatency).latencyMs ?? 0,
    });
    if (req.method === 'POST' && u.pathname === '/services/oauth2/token') {
      const params = Object.fromEntries(new URLSearchParams(body));
      tokenRequests.push(params);
      if (
        grantsRevoked ||
        (params['grant_type'] === 'refresh_token' && params['refresh_token'] !== opts.refreshToken)
      ) {
        return send(res, 400, { error: 'invalid_grant', error_description: 'expired access/refresh token' });
      }
      accessToken = `standin-token-${tokenRequests.length}`;
      accessTokenValid = true;
      issuedTokens.push(accessToken);
      return send(res, 200, {
        access_token: accessToken,
        token_type: 'Bearer',
        instance_url: url,
        issued_at: String(Date.now()),
        id: `${url}/id/${orgId}/0055g000003QrStAAK`,
        signature: 'standin',
        scope: 'api',
      });
    }
    if (faults.apply(req, res, u.pathname, defaultError)) return;
    if (!accessTokenValid || req.headers.authorization !== `Bearer ${accessToken}`) {
      return send(res, 401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    }
    apiUsed++;
    const m = /^\/services\/data\/v\d+\.\d+(\/.*)$/.exec(u.pathname);
    const path = m?.[1] ?? '';
    if (req.method === 'GET' && (path === '/query' || path === '/queryAll')) {
      const soql = u.searchParams.get('q') ?? '';
      queries.push(soql);
      const refusedType = unsupportedType(soql, state.accountTeams);
      if (refusedType) return send(res, 400, [{ message: refusedType, errorCode: 'INVALID_TYPE' }]);
      const refused = unknownSelected(soql, knownFields);
      if (refused) return send(res, 400, [{ message: refused, errorCode: 'INVALID_FIELD' }]);
      const result = runQuery(soql, records, path === '/queryAll' ? recycleBin : undefined);
      return send(res, 200, pageOut(result.records, m![0]!.replace(/\/query(All)?$/, '')));
    }
    const more = /^\/query\/([\w-]+)$/.exec(path);
    if (req.method === 'GET' && more) {
      const rest = locators.get(more[1]!);
      if (!rest) return send(res, 400, [{ message: 'invalid query locator', errorCode: 'INVALID_QUERY_LOCATOR' }]);
      locators.delete(more[1]!);
      return send(res, 200, pageOut(rest, u.pathname.replace(/\/query\/[\w-]+$/, '')));
    }
    if (req.method === 'PATCH' && path === '/composite/sobjects') {
      const parsed = JSON.parse(body) as { records: Array<Record<string, unknown>> };
      if (state.unknownFieldMode === 'request') {
        for (const r of parsed.records) {
          const bad = unknownFieldOf(r, knownFields);
          if (bad)
            return send(res, 400, [
              { message: `No such column '${bad.field}' on sobject of type ${bad.type}`, errorCode: 'INVALID_FIELD' },
            ]);
        }
      }
      const results = parsed.records.map((r) => applyWrite(r, req, strict, writes, failures));
      return send(res, 200, results);
    }
    const describe = /^\/sobjects\/(\w+)\/describe$/.exec(path);
    if (req.method === 'GET' && describe) {
      const rows = [...(records.get(describe[1]!)?.values() ?? [])];
      const names = new Set(['Id', ...rows.flatMap((r) => Object.keys(r))]);
      return send(res, 200, {
        name: describe[1],
        fields: [...names].map((n) => ({ name: n, label: n, type: n === 'Id' ? 'id' : 'string' })),
      });
    }
    return send(res, 404, [{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }]);
  };

  /** One batch of rows; the rest wait behind a locator in nextRecordsUrl (queryMore). */
  const pageOut = (rows: Array<Record<string, unknown>>, base: string) => {
    if (rows.length <= batchSize) return { totalSize: rows.length, done: true, records: rows };
    const locator = `01gSTANDIN${String(++locatorSeq).padStart(8, '0')}-${batchSize}`;
    locators.set(locator, rows.slice(batchSize));
    return {
      totalSize: rows.length,
      done: false,
      nextRecordsUrl: `${base}/query/${locator}`,
      records: rows.slice(0, batchSize),
    };
  };

  const server = createServer(
    withLatency(
      (req, res) => {
        handle(req, res).catch((err: unknown) =>
          send(res, 500, [{ message: String(err), errorCode: 'UNKNOWN_EXCEPTION' }]),
        );
      },
      opts.latency,
      (req) => (req.url ?? '').includes('/oauth2/'),
    ),
  );
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    requests,
    records,
    writes,
    queries,
    tokenRequests,
    faults,
    issuedTokens,
    failNextRequest(status, body) {
      faults.next({ kind: 'status', status, body });
    },
    expireToken() {
      accessTokenValid = false;
    },
    revokeRefreshToken() {
      grantsRevoked = true;
    },
    deleteRecord(type, id) {
      const row = records.get(type)?.get(id);
      records.get(type)?.delete(id);
      if (!row || type === 'AccountTeamMember') return;
      const bin = recycleBin.get(type) ?? new Map<string, Record<string, unknown>>();
      recycleBin.set(type, bin);
      bin.set(id, { ...row, IsDeleted: true, SystemModstamp: sfDateTime(new Date()) });
    },
    putRecord(type, record) {
      const rows = records.get(type) ?? new Map<string, Record<string, unknown>>();
      records.set(type, rows);
      // A record put back is undeleted: out of the recycle bin, as Salesforce's undelete does.
      const deleted = recycleBin.get(type)?.get(record.Id);
      recycleBin.get(type)?.delete(record.Id);
      const { IsDeleted: _, ...was } = deleted ?? {};
      rows.set(record.Id, { ...was, ...rows.get(record.Id), SystemModstamp: sfDateTime(new Date()), ...record });
      knownCache.delete(type);
    },
    get unknownFieldMode() {
      return state.unknownFieldMode;
    },
    set unknownFieldMode(mode) {
      state.unknownFieldMode = mode;
    },
    get accountTeams() {
      return state.accountTeams;
    },
    set accountTeams(on) {
      state.accountTeams = on;
    },
    failWrite(id, statusCode, message, times = 1) {
      failures.set(id, { statusCode, message, times });
    },
    close: () =>
      new Promise<void>((resolve) => {
        faults.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Strict {
  records: Map<string, Map<string, Record<string, unknown>>>;
  knownFields: (type: string) => Set<string>;
  state: { unknownFieldMode: 'record' | 'request'; accountTeams: boolean };
}

function applyWrite(
  r: Record<string, unknown>,
  req: IncomingMessage,
  strict: Strict,
  writes: RecordedWrite[],
  failures: Map<string, { statusCode: string; message: string; times: number }>,
) {
  const { records } = strict;
  const { attributes, id, ...fields } = r as { attributes: { type: string }; id: string };
  const f = failures.get(id);
  if (f && f.times > 0) {
    f.times--;
    return { id, success: false, errors: [{ statusCode: f.statusCode, message: f.message, fields: [] }] };
  }
  const bad = unknownFieldOf(r, strict.knownFields);
  if (bad)
    return {
      id,
      success: false,
      errors: [
        {
          statusCode: 'INVALID_FIELD',
          message: `No such column '${bad.field}' on sobject of type ${bad.type}`,
          fields: [],
        },
      ],
    };
  const row = records.get(attributes.type)?.get(id);
  if (!row)
    return { success: false, errors: [{ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }] };
  if ('OwnerId' in fields) {
    const refused = ownerRefusal(String(fields['OwnerId']), records);
    if (refused) return { id, success: false, errors: [refused] };
  }
  Object.assign(row, fields);
  const h = (n: string) => req.headers[n] as string | undefined;
  writes.push({
    type: attributes.type,
    id,
    fields,
    headers: { 'sforce-auto-assign': h('sforce-auto-assign'), 'sforce-call-options': h('sforce-call-options') },
  });
  return { id, success: true, errors: [] };
}

/** The first field of a collections record the object does not have (case-insensitive, like Salesforce). */
function unknownFieldOf(
  r: Record<string, unknown>,
  knownFields: (type: string) => Set<string>,
): { type: string; field: string } | undefined {
  const type = (r['attributes'] as { type?: string } | undefined)?.type ?? '';
  const known = knownFields(type);
  const field = Object.keys(r).find((k) => k !== 'attributes' && k !== 'id' && !known.has(k.toLowerCase()));
  return field === undefined ? undefined : { type, field };
}

/** Why an OwnerId is refused, as a SaveResult error; undefined when it is an active user or a queue. */
function ownerRefusal(ownerId: string, records: Map<string, Map<string, Record<string, unknown>>>) {
  if (!/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/.test(ownerId)) {
    return {
      statusCode: 'MALFORMED_ID',
      message: `Owner ID: id value of incorrect type: ${ownerId}`,
      fields: ['OwnerId'],
    };
  }
  const user = records.get('User')?.get(ownerId);
  if (user && user['IsActive'] === false) {
    return {
      statusCode: 'INACTIVE_OWNER_OR_USER',
      message: `operation performed with inactive user [${ownerId}] as owner of lead`,
      fields: [],
    };
  }
  if (user) return undefined;
  const group = records.get('Group')?.get(ownerId);
  if (group && group['Type'] === 'Queue') return undefined;
  return { statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id', fields: ['OwnerId'] };
}

/** A SOQL query of an object this org does not have (a feature off) -> Salesforce's INVALID_TYPE message. */
function unsupportedType(soql: string, accountTeams: boolean): string | undefined {
  const m = /^SELECT .+? FROM (\w+)/i.exec(soql.trim());
  if (!m || m[1] !== 'AccountTeamMember' || accountTeams) return undefined;
  const column = soql.indexOf(' FROM ') + 7;
  return `\n${soql}\n${' '.repeat(column - 1)}^\nERROR at Row:1:Column:${column}\nsObject type '${m[1]}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`;
}

/** A SOQL SELECT naming a field the object lacks -> Salesforce's INVALID_FIELD message; else undefined. */
function unknownSelected(soql: string, knownFields: (type: string) => Set<string>): string | undefined {
  const m = /^SELECT (.+?) FROM (\w+)/i.exec(soql.trim());
  if (!m) return undefined;
  const known = knownFields(m[2]!);
  // Relationship paths (Owner.Email) and functions (COUNT()) are not checked here.
  const bad = m[1]!
    .split(',')
    .map((s) => s.trim())
    .find((f) => !/[.(]/.test(f) && !known.has(f.toLowerCase()));
  return bad === undefined
    ? undefined
    : `\n${soql}\n^\nERROR at Row:1:Column:1\nNo such column '${bad}' on entity '${m[2]}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`;
}

/** Salesforce's generic REST error body for a status (what a fault without a body answers). */
function defaultError(status: number) {
  if (status >= 500) return [{ message: 'An unexpected error occurred.', errorCode: 'UNKNOWN_EXCEPTION' }];
  if (status === 401) return [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }];
  return [{ message: `error ${status}`, errorCode: 'BAD_REQUEST' }];
}

/**
 * The SOQL the connector sends: SELECT fields FROM Obj [WHERE c AND c ...] [GROUP BY f] [ORDER BY f]
 * [LIMIT n]. Conditions: F IN ('a', ...), F = / != / > / >= / < / <= a 'string', true/false, null,
 * a number or a datetime literal. COUNT(Id) alias in a GROUP BY query. Unknown conditions are ignored.
 */
function runQuery(
  soql: string,
  records: Map<string, Map<string, Record<string, unknown>>>,
  recycleBin?: Map<string, Map<string, Record<string, unknown>>>,
) {
  const m =
    /^SELECT (.+?) FROM (\w+)(?: WHERE (.+?))?(?: GROUP BY (\w+))?(?: ORDER BY ([\w, ]+?))?(?: LIMIT (\d+))?$/i.exec(
      soql.trim(),
    );
  if (!m) return { totalSize: 0, done: true, records: [] as Array<Record<string, unknown>> };
  const fields = m[1]!.split(',').map((s) => s.trim());
  const type = m[2]!;
  let rows = [...(records.get(type)?.values() ?? []), ...(recycleBin?.get(type)?.values() ?? [])];
  for (const cond of splitConditions(m[3] ?? '')) rows = rows.filter((r) => matches(r, cond));
  if (m[5]) {
    const keys = m[5].split(',').map((k) => k.trim().split(/\s+/));
    rows = [...rows].sort((a, b) => {
      for (const [f, dir] of keys) {
        const k = compare(a[f!], b[f!]) * (/^desc$/i.test(dir ?? '') ? -1 : 1);
        if (k !== 0) return k;
      }
      return 0;
    });
  }
  if (m[6]) rows = rows.slice(0, Number(m[6]));
  if (m[4]) {
    const groups = new Map<string, number>();
    for (const r of rows) groups.set(String(r[m[4]]), (groups.get(String(r[m[4]])) ?? 0) + 1);
    const out = [...groups].map(([key, n]) => ({
      attributes: { type: 'AggregateResult' },
      ...Object.fromEntries(
        fields.map((f) => {
          const agg = /^COUNT\(\w+\)\s*(\w+)?$/i.exec(f);
          return agg ? [agg[1] ?? 'expr0', n] : [f, key];
        }),
      ),
    }));
    return { totalSize: out.length, done: true, records: out };
  }
  const out = rows.map((r) => ({
    attributes: { type },
    ...Object.fromEntries(fields.map((f) => [f, r[f] ?? null])),
  }));
  return { totalSize: out.length, done: true, records: out };
}

type Condition = { field: string; op: string; values: unknown[] };

function splitConditions(where: string): Condition[] {
  if (!where) return [];
  const out: Condition[] = [];
  for (const part of where.split(/\s+AND\s+/i)) {
    const inList = /^(\w+) IN \((.*)\)$/i.exec(part.trim());
    if (inList) {
      out.push({
        field: inList[1]!,
        op: 'IN',
        values: [...inList[2]!.matchAll(/'((?:\\.|[^'])*)'/g)].map((x) => x[1]),
      });
      continue;
    }
    const c = /^(\w+)\s*(=|!=|>=|<=|>|<)\s*(.+)$/.exec(part.trim());
    if (!c) continue;
    const raw = c[3]!.trim();
    const literal =
      raw === 'null'
        ? null
        : raw === 'true' || raw === 'false'
          ? raw
          : raw.startsWith("'")
            ? raw.slice(1, -1).replace(/\\(.)/g, '$1')
            : /^\d{4}-\d{2}-\d{2}T/.test(raw)
              ? Date.parse(raw)
              : Number(raw);
    out.push({ field: c[1]!, op: c[2]!, values: [literal] });
  }
  return out;
}

function matches(r: Record<string, unknown>, c: Condition): boolean {
  const v = r[c.field];
  if (c.op === 'IN') return c.values.includes(String(v));
  const w = c.values[0];
  if (w === null) return c.op === '=' ? v === null || v === undefined : v !== null && v !== undefined;
  if (w === 'true' || w === 'false') return (String(v ?? false) === w) === (c.op === '=');
  const left = typeof w === 'number' && typeof v === 'string' && /^\d{4}-/.test(v) ? parseSfDate(v) : v;
  const k = compare(left, w);
  return c.op === '='
    ? k === 0
    : c.op === '!='
      ? k !== 0
      : c.op === '>'
        ? k > 0
        : c.op === '>='
          ? k >= 0
          : c.op === '<'
            ? k < 0
            : k <= 0;
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : 1;
}

const parseSfDate = (v: string) => Date.parse(v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));

/** Salesforce's datetime format: 2025-07-15T21:12:05.000+0000. */
export function sfDateTime(d: Date): string {
  return d.toISOString().replace('Z', '+0000');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
