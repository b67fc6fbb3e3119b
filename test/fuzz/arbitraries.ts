// Generators of requests for every public endpoint. Each starts from a valid request and breaks
// it some of the time (a field replaced by any JSON value, poison strings, a wrong token, a bad
// signature, raw garbage, hostile XML), so the cases reach past auth and parsing into the
// handlers and the database, not only into the first 400.
import fc from 'fast-check';
import { outboundMessage, sfId } from '../support/salesforce-outbound.js';
import {
  baseDocument,
  editorToken,
  hubspotSigned,
  SF_ORG_ID,
  SF_OUTBOUND_TOKEN,
  testApiKey,
  viewerToken,
  type FuzzCase,
} from './fuzz-system.js';

/** Strings Postgres, JSON, XML, URLs or our parsers may trip on. */
const nasty = fc.constantFrom(
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udbff',
  '\udc00y',
  '\ud83d',
  '😀',
  '\uffff',
  '\ufeff',
  '\u202e',
  '\r\n',
  '\t',
  '%00',
  '\\u0000',
  '"',
  "'",
  '<',
  '>',
  '&',
  '&amp;',
  ']]>',
  '<![CDATA[x]]>',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '',
  ' ',
  '0',
  '-1',
  '1e309',
  'NaN',
  'null',
  'true',
  '[]',
  '{}',
  'a'.repeat(3000),
  '../../etc/passwd',
  '${x}',
  '%s',
);
export const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 3, arbitrary: nasty },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.string({ maxLength: 6 }), nasty, fc.string({ maxLength: 6 })).map(([a, p, b]) => a + p + b),
  },
);
/** An id far past any index entry limit, random so Postgres cannot compress it under the limit. */
export const hugeId = fc.stringMatching(/^[A-Za-z0-9]{3000,4000}$/);
const number = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, 1e308, -1, 2 ** 53, Number.MAX_SAFE_INTEGER + 2, 0.1),
);

/** Any JSON value, with nasty strings in values and keys. */
export const anyJson: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    number,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(text, tie('v'), { maxKeys: 4 }),
  ),
})).v;

/** Replaces the value at a path picked by `picks` (child index modulo the count) with `value`. */
function replaceAt(root: unknown, picks: number[], value: unknown): unknown {
  if (picks.length === 0 || typeof root !== 'object' || root === null) return value;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(root)
    ? [...root]
    : { ...(root as Record<string, unknown>) };
  const keys = Object.keys(copy);
  if (keys.length === 0) return value;
  const key = keys[picks[0]! % keys.length]!;
  (copy as Record<string, unknown>)[key] = replaceAt((copy as Record<string, unknown>)[key], picks.slice(1), value);
  return copy;
}

/** A valid value, left alone 1 time in 3, else broken at a random path (or given a random extra key). */
export function mutated<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 2, arbitrary: valid },
    {
      weight: 2,
      arbitrary: fc
        .tuple(valid, fc.array(fc.nat(), { maxLength: 6 }), anyJson)
        .map(([v, picks, x]) => replaceAt(v, picks, x)),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(valid, text, anyJson)
        .map(([v, k, x]) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? { ...v, [k]: x } : v)),
    },
  );
}

/** A deep JSON text: JSON.parse takes it, anything recursive after it must not overflow. */
const deepJson = fc
  .integer({ min: 60, max: 1500 })
  .chain((n) => fc.constantFrom(`${'['.repeat(n)}${']'.repeat(n)}`, `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`));

/** A JSON body: mostly the value serialised, sometimes garbage, truncated, deep or empty. */
export function jsonBody(value: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 12, arbitrary: value.map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 1, arbitrary: fc.tuple(value, fc.nat()).map(([v, k]) => (JSON.stringify(v) ?? '').slice(0, k % 200)) },
    { weight: 1, arbitrary: text },
    { weight: 1, arbitrary: deepJson.map((d) => `{"lead":${d},"document":${d},"leads":[${d}]}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        'null',
        '[]',
        '{}',
        '"x"',
        '1',
        '{"__proto__":{"polluted":1}}',
        '{"constructor":{"prototype":{"polluted":1}}}',
        '\u0000',
        '{"a":"\\ud800"}',
      ),
    },
  );
}

const contentType = fc.oneof(
  { weight: 12, arbitrary: fc.constant('application/json') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'text/plain',
      'application/x-www-form-urlencoded',
      'text/xml',
      'application/json; charset=utf-16',
      'application/json; charset=latin1',
      'multipart/form-data',
      '',
      'application/vnd.api+json',
      '*/*',
    ),
  },
);

/** Every UTF-8 byte percent-encoded (encodeURIComponent throws on a lone surrogate). */
const percentEncoded = (s: string) =>
  [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

/** A URL piece: percent-encoded text, or a raw odd sequence. */
export const urlPiece = fc.oneof(
  { weight: 3, arbitrary: text.map(percentEncoded) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('%00', '%ED%A0%80', '%zz', '%', '%2F', '..', '%C0%80', '%FF', 'a%00b', '%E2%80%AE', ''),
  },
  { weight: 2, arbitrary: fc.uuid() },
);

type Auth = 'editor' | 'viewer' | 'api' | 'bad' | 'none' | 'bearer-editor';
const authHeaders = (a: Auth): Record<string, string> =>
  ({
    editor: { 'x-admin-token': editorToken },
    'bearer-editor': { authorization: `Bearer ${editorToken}` },
    viewer: { 'x-admin-token': viewerToken },
    api: { 'x-api-key': testApiKey },
    bad: { 'x-admin-token': 'not-a-token-0000000000', 'x-api-key': 'not-a-key-0000000' },
    none: {},
  })[a];
const adminAuth = fc.constantFrom<Auth>(
  'editor',
  'editor',
  'editor',
  'editor',
  'editor',
  'bearer-editor',
  'viewer',
  'viewer',
  'bad',
  'none',
  'api',
);

// ---- POST /v1/leads ----
/** Mostly a plausible value, sometimes any text: so a good share of requests are accepted. */
const mostly = <T>(good: fc.Arbitrary<T>) => fc.oneof({ weight: 5, arbitrary: good }, { weight: 1, arbitrary: text });
const word = fc.stringMatching(/^[A-Za-z][A-Za-z .'-]{0,20}$/);
const email = mostly(
  fc
    .tuple(fc.stringMatching(/^[a-z0-9]{1,12}$/), fc.stringMatching(/^[a-z]{1,10}$/))
    .map(([l, d]) => `${l}@${d}.example`),
);
const finite = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));
const validLead = fc.record(
  {
    email,
    firstName: mostly(word),
    company: mostly(word),
    country: fc.constantFrom('DE', 'US', 'Germany', 'xx'),
    employeeCount: fc.nat(),
    score: mostly(finite),
    custom: fc.dictionary(mostly(word), fc.oneof(mostly(word), finite, fc.boolean(), fc.constant(null)), {
      maxKeys: 3,
    }),
  },
  { requiredKeys: ['email'] },
);
const idempotencyKey = fc.oneof(
  { weight: 8, arbitrary: fc.stringMatching(/^[a-z0-9-]{8,40}$/) },
  { weight: 2, arbitrary: text },
  { weight: 1, arbitrary: hugeId },
);
const postLeadBody = fc.record({ source: mostly(fc.constant('web-form')), idempotencyKey, lead: validLead });
export const postLead: fc.Arbitrary<FuzzCase> = fc
  .tuple(
    jsonBody(mutated(postLeadBody)),
    fc.constantFrom<Auth>('api', 'api', 'api', 'api', 'api', 'api', 'api', 'bad', 'none'),
    contentType,
  )
  .map(([payload, auth, type]) => ({
    name: 'POST /v1/leads',
    method: 'POST',
    url: '/v1/leads',
    headers: { 'content-type': type, ...authHeaders(auth) },
    payload,
    writes: 'intake',
  }));

// ---- POST /webhooks/hubspot ----
const hsId = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 1, max: 2 ** 31 }) },
  { weight: 2, arbitrary: fc.stringMatching(/^\d{1,12}$/) },
  { weight: 1, arbitrary: fc.stringMatching(/^[1-9]\d{2999,3999}$/) },
  { weight: 2, arbitrary: anyJson },
);
const hsEvent = fc.record({
  eventId: hsId,
  subscriptionId: fc.nat(),
  portalId: fc.nat(),
  occurredAt: fc.integer({ min: 0, max: 2 ** 42 }),
  subscriptionType: fc.oneof(
    fc.constantFrom(
      'contact.creation',
      'contact.propertyChange',
      'object.creation',
      'object.propertyChange',
      'contact.deletion',
      'deal.creation',
    ),
    text,
  ),
  objectId: hsId,
  objectTypeId: fc.constantFrom('0-1', '0-136', '2-123'),
  propertyName: fc.oneof(fc.constantFrom('hubspot_owner_id', 'firstname', 'email'), text),
  propertyValue: fc.oneof(text, number, fc.constant(null)),
  changeSource: fc.oneof(fc.constantFrom('CRM_UI', 'INTEGRATION'), text),
  attemptNumber: fc.nat(5),
});
const hsBatch = fc.array(mutated(hsEvent), { maxLength: 6 });
type Signing = 'valid' | 'wrong-secret' | 'stale' | 'none' | 'tampered';
export const hubspotWebhook: fc.Arbitrary<FuzzCase> = fc
  .tuple(
    fc.oneof(
      { weight: 6, arbitrary: hsBatch.map((b) => JSON.stringify(b)) },
      { weight: 1, arbitrary: jsonBody(anyJson) },
    ),
    fc.oneof(
      { weight: 12, arbitrary: fc.constant<Signing>('valid') },
      { weight: 1, arbitrary: fc.constantFrom<Signing>('wrong-secret', 'stale', 'none', 'tampered') },
    ),
    contentType,
  )
  .map(([payload, signing, type]) => {
    const signed =
      signing === 'wrong-secret'
        ? hubspotSigned(payload, 0, 'someone-elses-secret')
        : hubspotSigned(payload, signing === 'stale' ? 400_000 : 0);
    if (signing === 'none') delete (signed as Record<string, string | undefined>)['x-hubspot-signature-v3'];
    return {
      name: `POST /webhooks/hubspot (${signing})`,
      method: 'POST',
      url: '/webhooks/hubspot',
      headers: { ...signed, 'content-type': type },
      payload: signing === 'tampered' ? `${payload} ` : payload,
      writes: 'intake',
    };
  });

// ---- POST /webhooks/salesforce/:token ----
const fieldName = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      'Email',
      'Company',
      'Country',
      'OwnerId',
      'LastName',
      'CreatedDate',
      'LastModifiedDate',
      'NumberOfEmployees',
    ),
  },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,10}$/) },
  { weight: 1, arbitrary: text },
);
const notification = fc.record({
  id: fc.oneof(
    { weight: 10, arbitrary: fc.nat(10_000_000).map((n) => sfId('04l', n, 'F')) },
    { weight: 2, arbitrary: text },
    { weight: 1, arbitrary: hugeId },
  ),
  objectType: fc.oneof(
    { weight: 6, arbitrary: fc.constant('Lead') },
    { weight: 1, arbitrary: fc.constantFrom('Contact', '__proto__', 'constructor', 'sf:Lead') },
    { weight: 1, arbitrary: text },
  ),
  fields: fc
    .tuple(
      fc.oneof(
        fc.nat(10_000_000).map((n) => sfId('00Q', n, 'F')),
        text,
        hugeId,
      ),
      fc.dictionary(fieldName, fc.oneof(text, fc.constant(null)), { maxKeys: 5 }),
    )
    .map(([Id, f]) => ({ Id, ...f })),
});
const hostileXml = fc.oneof(
  { weight: 10, arbitrary: fc.constant((x: string) => x) },
  {
    weight: 1,
    arbitrary: fc.constant((x: string) =>
      x.replace('<soapenv:Envelope', '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><soapenv:Envelope'),
    ),
  },
  {
    weight: 1,
    arbitrary: text.map((t) => (x: string) => x.replace('</sObject>', `<sf:__proto__>${t}</sf:__proto__></sObject>`)),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 12, max: 400 })
      .map((n) => (x: string) => x.replace('</sObject>', `${'<a>'.repeat(n)}${'</a>'.repeat(n)}</sObject>`)),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 20, max: 200 })
      .map(
        (n) => (x: string) =>
          x.replace('<sObject ', `<sObject ${Array.from({ length: n }, (_, i) => `b${i}="1"`).join(' ')} `),
      ),
  },
  { weight: 2, arbitrary: fc.nat().map((k) => (x: string) => x.slice(0, k % x.length)) },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.nat(), text).map(
      ([k, t]) =>
        (x: string) =>
          x.slice(0, k % x.length) + t + x.slice(k % x.length),
    ),
  },
  { weight: 1, arbitrary: text.map((t) => () => t) },
);
export const salesforceWebhook: fc.Arbitrary<FuzzCase> = fc
  .tuple(
    fc.array(notification, { minLength: 0, maxLength: 5 }),
    hostileXml,
    fc.oneof(
      { weight: 8, arbitrary: fc.constant(SF_ORG_ID) },
      { weight: 1, arbitrary: fc.constantFrom('00D5g000009ZzZzEAK', '') },
      { weight: 1, arbitrary: text },
    ),
    fc.oneof({ weight: 8, arbitrary: fc.constant(SF_OUTBOUND_TOKEN) }, { weight: 1, arbitrary: urlPiece }),
    fc.oneof(
      { weight: 8, arbitrary: fc.constant('text/xml; charset=utf-8') },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          'application/soap+xml',
          'application/json',
          'text/plain',
          'text/xml; charset=latin1',
        ),
      },
    ),
  )
  .map(([notes, hostile, org, token, type]) => ({
    name: 'POST /webhooks/salesforce/:token',
    method: 'POST',
    url: `/webhooks/salesforce/${token}`,
    headers: { 'content-type': type, soapaction: '""' },
    payload: hostile(outboundMessage(notes, org)),
    writes: 'intake',
  }));

// ---- admin API ----
const documentArb = mutated(fc.constant(baseDocument()));
const version = fc.oneof(fc.integer({ min: -2, max: 6 }), text);
const query = (pairs: Array<[string, fc.Arbitrary<unknown>]>) =>
  fc
    .tuple(
      ...pairs.map(([k, v]) =>
        fc.option(fc.tuple(fc.constant(k), fc.oneof(v.map(String), urlPiece)), { nil: undefined }),
      ),
    )
    .map((kv) =>
      kv
        .filter((x): x is [string, string] => x !== undefined)
        .map(([k, v]) => `${k}=${v.includes('%') ? v : percentEncoded(v)}`)
        .join('&'),
    );
const draftId = fc.oneof(fc.uuid(), urlPiece);
const adminRequest = fc.oneof(
  query([['limit', fc.integer({ min: -1, max: 600 })]]).map((q) => ({
    method: 'GET' as const,
    url: `/v1/admin/config/versions?${q}`,
    body: undefined,
  })),
  query([['limit', fc.integer({ min: -1, max: 600 })]]).map((q) => ({
    method: 'GET' as const,
    url: `/v1/admin/config/activations?${q}`,
    body: undefined,
  })),
  fc.constant({ method: 'GET' as const, url: '/v1/admin/config', body: undefined }),
  fc
    .oneof(version.map(String), urlPiece)
    .map((v) => ({ method: 'GET' as const, url: `/v1/admin/config/versions/${v}`, body: undefined })),
  query([
    ['from', version],
    ['to', version],
  ]).map((q) => ({ method: 'GET' as const, url: `/v1/admin/config/diff?${q}`, body: undefined })),
  query([
    ['version', version],
    ['format', fc.constantFrom('yaml', 'json', 'xml')],
  ]).map((q) => ({ method: 'GET' as const, url: `/v1/admin/config/export?${q}`, body: undefined })),
  query([['limit', fc.integer({ min: -1, max: 600 })]]).map((q) => ({
    method: 'GET' as const,
    url: `/v1/admin/config/drafts?${q}`,
    body: undefined,
  })),
  draftId.map((id) => ({ method: 'GET' as const, url: `/v1/admin/config/drafts/${id}`, body: undefined })),
  draftId.map((id) => ({ method: 'GET' as const, url: `/v1/admin/config/drafts/${id}/diff`, body: undefined })),
  draftId.map((id) => ({ method: 'DELETE' as const, url: `/v1/admin/config/drafts/${id}`, body: undefined })),
  fc
    .tuple(draftId, mutated(fc.record({ name: text, document: documentArb }, { requiredKeys: [] })))
    .map(([id, body]) => ({ method: 'PUT' as const, url: `/v1/admin/config/drafts/${id}`, body })),
  mutated(fc.record({ name: fc.oneof(fc.constant('fuzz draft'), text), document: documentArb })).map((body) => ({
    method: 'POST' as const,
    url: '/v1/admin/config/drafts',
    body,
  })),
  mutated(fc.record({ document: documentArb, draftId: fc.uuid() }, { requiredKeys: [] })).map((body) => ({
    method: 'POST' as const,
    url: '/v1/admin/config/validate',
    body,
  })),
  mutated(
    fc.record(
      {
        document: documentArb,
        message: fc.oneof(fc.constant('fuzz publish'), text),
        author: text,
        baseVersion: fc.integer({ min: 0, max: 8 }),
      },
      { requiredKeys: ['document', 'message'] },
    ),
  ).map((body) => ({ method: 'POST' as const, url: '/v1/admin/config/publish', body })),
  mutated(fc.record({ version: fc.integer({ min: -1, max: 6 }), message: text }, { requiredKeys: ['version'] })).map(
    (body) => ({ method: 'POST' as const, url: '/v1/admin/config/rollback', body }),
  ),
  fc.constantFrom('/docs', '/docs/json').map((url) => ({ method: 'GET' as const, url, body: undefined })),
);
export const adminApi: fc.Arbitrary<FuzzCase> = fc
  .tuple(adminRequest, adminAuth, contentType, fc.nat(20))
  .map(([r, auth, type, k]) => {
    const payload = r.body === undefined ? undefined : k === 0 ? '{"document":' : JSON.stringify(r.body);
    return {
      name: `${r.method} ${r.url.split('?')[0]}`,
      method: r.method,
      url: r.url,
      headers: { ...authHeaders(auth), ...(payload !== undefined && { 'content-type': type }) },
      ...(payload !== undefined && { payload }),
      writes: r.method === 'GET' ? 'none' : 'admin',
    };
  });

// ---- lead reads, sync, preview ----
const repId = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('ana', 'bo', 'cy', 'Ana') },
  { weight: 1, arbitrary: urlPiece },
);
const availabilityBody = fc.record(
  {
    status: fc.constantFrom('away', 'back', 'gone'),
    until: fc.constantFrom('2099-01-01T00:00:00Z', '2020-01-01T00:00:00Z', 'tomorrow'),
    note: text,
  },
  { requiredKeys: ['status'] },
);
const leadId = fc.oneof({ weight: 2, arbitrary: fc.uuid() }, { weight: 3, arbitrary: urlPiece });
const readRequest = fc.oneof(
  leadId.map((id) => ({
    method: 'GET' as const,
    url: `/v1/leads/${id}`,
    payload: undefined as string | undefined,
    writes: 'none' as const,
  })),
  fc.tuple(leadId, query([['format', fc.constantFrom('json', 'text', 'html')]])).map(([id, q]) => ({
    method: 'GET' as const,
    url: `/v1/leads/${id}/decision?${q}`,
    payload: undefined,
    writes: 'none' as const,
  })),
  leadId.map((id) => ({
    method: 'GET' as const,
    url: `/v1/leads/${id}/history`,
    payload: undefined,
    writes: 'none' as const,
  })),
  query([
    ['leadId', fc.uuid()],
    ['crm', text],
    ['recordId', text],
    ['policy', fc.constantFrom('crm_wins', 'x')],
    ['outcome', text],
    ['changedBy', text],
    ['since', fc.constantFrom('2026-01-01T00:00:00Z', 'yesterday')],
    ['until', text],
    ['limit', fc.integer({ min: -1, max: 300 })],
    ['cursor', text],
  ]).map((q) => ({ method: 'GET' as const, url: `/v1/conflicts?${q}`, payload: undefined, writes: 'none' as const })),
  fc.tuple(leadId, jsonBody(mutated(fc.record({ by: text }, { requiredKeys: [] })))).map(([id, payload]) => ({
    method: 'POST' as const,
    url: `/v1/leads/${id}/claim`,
    payload,
    writes: 'admin' as const,
  })),
  repId.map((id) => ({
    method: 'GET' as const,
    url: `/v1/reps/${id}/availability`,
    payload: undefined,
    writes: 'none' as const,
  })),
  fc.tuple(repId, jsonBody(mutated(availabilityBody))).map(([id, payload]) => ({
    method: 'PUT' as const,
    url: `/v1/reps/${id}/availability`,
    payload,
    writes: 'admin' as const,
  })),
);
export const leadReads: fc.Arbitrary<FuzzCase> = fc.tuple(readRequest, adminAuth).map(([r, auth]) => ({
  name: `${r.method} ${r.url
    .split('?')[0]!
    .replace(/\/v1\/leads\/[^/]+/, '/v1/leads/:id')
    .replace(/\/v1\/reps\/[^/]+/, '/v1/reps/:id')}`,
  method: r.method,
  url: r.url,
  headers: { ...authHeaders(auth), ...(r.payload !== undefined && { 'content-type': 'application/json' }) },
  ...(r.payload !== undefined && { payload: r.payload }),
  writes: r.writes,
}));

const previewBody = fc.oneof(
  fc.record({ lead: validLead, at: fc.constantFrom('2026-11-25T10:00:00Z', 'now') }, { requiredKeys: ['lead'] }),
  fc.record(
    {
      leads: fc.array(validLead, { minLength: 0, maxLength: 4 }),
      config: fc.oneof(fc.constant(baseDocument()), documentArb),
    },
    { requiredKeys: ['leads'] },
  ),
);
export const preview: fc.Arbitrary<FuzzCase> = fc
  .tuple(jsonBody(mutated(previewBody)), adminAuth, contentType)
  .map(([payload, auth, type]) => ({
    name: 'POST /v1/route/preview',
    method: 'POST',
    url: '/v1/route/preview',
    headers: { ...authHeaders(auth), 'content-type': type },
    payload,
    writes: 'none',
  }));

// ---- anything else: odd methods and paths ----
export const elsewhere: fc.Arbitrary<FuzzCase> = fc
  .tuple(
    fc.constantFrom<FuzzCase['method']>('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
    fc.constantFrom(
      '/v1/leads',
      '/v1/admin/config',
      '/webhooks/hubspot',
      '/webhooks/salesforce',
      '/healthz',
      '/metrics',
      '/v1/route/preview',
      '/',
      '/v1',
    ),
    fc.array(urlPiece, { maxLength: 2 }),
    fc.option(jsonBody(anyJson), { nil: undefined }),
    adminAuth,
  )
  .map(([method, base, rest, payload, auth]) => ({
    name: `${method} ${base}/*`,
    method,
    url: [base, ...rest].join('/'),
    headers: { ...authHeaders(auth), ...(payload !== undefined && { 'content-type': 'application/json' }) },
    ...(payload !== undefined && method !== 'GET' && method !== 'HEAD' && { payload }),
    // A path that happens to name a real writing route is judged as one.
    writes:
      method === 'GET' || method === 'HEAD'
        ? 'none'
        : base.startsWith('/webhooks') || base === '/v1/leads'
          ? 'intake'
          : 'admin',
  }));
