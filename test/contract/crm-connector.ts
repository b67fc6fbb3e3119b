// One suite every CrmConnector must pass (HubSpot, Salesforce, ...). It knows nothing of any CRM:
// the caller hands in a connector factory, the requests and nock'd responses of its CRM, and the
// outcomes the contract promises. Call it from a *.test.ts file:
//
//   runCrmConnectorContract('hubspot', () => ({ connector: () => createHubSpotConnector(...), ... }));
//
// Rules the caller's setup must follow: the connector points at nock'd hosts; its sleep is fake
// (the 429 case must not really wait); each `mock()` registers fresh interceptors and returns the
// scopes that must all be consumed.
//
// The `strict` part runs against the CRM's strict stand-in (test/support/*-standin.ts, a real
// server on 127.0.0.1) with its fault injection: unknown fields, invalid owners, deleted records,
// 5xx with and without a body code, resets, hangs, 429s, daily limits, expired and revoked
// credentials, and secrets that must never reach an error.
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  ChangeOrigin,
  CrmAccount,
  CrmAccountContact,
  CrmConnector,
  CrmErrorCode,
  CrmOwner,
  CrmRecord,
  FieldInfo,
  InboundEvent,
  InboundRequest,
  OwnerWrite,
  WriteResult,
} from '../../src/connector.js';
import type { ErrorCode } from '../../src/errors.js';
import type { CrmName } from '../../src/lead/index.js';
import type { Fault, FaultInjector } from '../support/standin-faults.js';
import { until } from '../support/until.js';

export type ContractMock = () => nock.Scope | nock.Scope[];

export interface CrmConnectorContractSetup {
  /** A fresh connector (fresh rate limiter, token cache) per test. */
  connector(): CrmConnector;
  /** Every secret in the connector's config: none may appear in any error message or details. */
  secrets: string[];
  /** The `now` to verify webhook requests at. */
  now: Date;
  webhook: {
    /** A genuine inbound request and exactly the events it parses to. */
    valid: InboundRequest;
    events: InboundEvent[];
    /** Requests verifyRequest must refuse, with the code each must carry (SIGNATURE_*, UNAUTHORIZED). */
    rejected: Array<{ name: string; req: InboundRequest; code: ErrorCode }>;
    /** A request whose payload is malformed: parseEvents must throw VALIDATION_FAILED with paths. */
    malformed: InboundRequest;
  };
  fetch: { objectType: string; ids: string[]; fields: string[]; mock: ContractMock; expected: CrmRecord[] };
  /** Must include at least one write whose record was deleted in the CRM (expected CRM_NOT_FOUND). */
  write: {
    writes: OwnerWrite[];
    mock: ContractMock;
    expected: Array<{ writeId: string; ok: boolean; code?: CrmErrorCode; retryable?: boolean }>;
  };
  owners: { mock: ContractMock; expected: CrmOwner[] };
  fields: { objectType: string; mock: ContractMock; expected: FieldInfo[] };
  /** The fetch case, but the CRM first answers 429 (rate limited) once. */
  rateLimitedFetch: { mock: ContractMock };
  /** The fetch case, but the CRM refuses the credentials. */
  authFailure: { mock: ContractMock };
  /** Change origins as this CRM reports them: our own owner writes (the connector's config), and others'. */
  origins: { ours: ChangeOrigin[]; others: ChangeOrigin[] };
  /** Mapping sources checked against the object's described fields (`known`). */
  fieldPaths: {
    known: string[];
    cases: Array<{ path: string; expected: 'readable' | 'refused' | 'unknown field' }>;
  };
  /** The strict stand-in cases; a fresh stand-in per test, closed after it. */
  strict: () => Promise<StrictContractSetup>;
  /** The account mirror's reads (connector.accounts) against the strict stand-in; a fresh one per test. */
  accounts?: () => Promise<AccountsContractSetup>;
}

/** A stand-in seeded with accounts over several pages, and contacts of some of them. */
export interface AccountsContractSetup {
  connector(): CrmConnector;
  /** Every seeded account id, in the CRM's id order (more than one page of them). */
  ids: string[];
  /** One seeded account exactly as listAccounts / fetchAccounts must map it. */
  sample: CrmAccount;
  /** Contacts the CRM holds for accounts (each with its account id and email). */
  contacts: Array<Pick<CrmAccountContact, 'contactId' | 'accountId' | 'email' | 'ownerCrmId'>>;
  /** Gives one account another owner in the CRM, stamped now (after every seeded record). */
  reassign(id: string): void;
  /** Deletes an account in the CRM. */
  remove(id: string): void;
  close(): Promise<void>;
}

/** What the suite needs of a strict stand-in (both stand-ins have it). */
export interface StrictStandIn {
  faults: FaultInjector;
  expireToken(): void;
  revokeRefreshToken(): void;
  issuedTokens: string[];
  tokenRequests: unknown[];
  close(): Promise<void>;
}

export interface StrictContractSetup {
  standIn: StrictStandIn;
  /** A connector on the stand-in, with refreshable (OAuth) credentials, a fake sleep and maxRetries 1. */
  connector(opts?: { requestTimeoutMs?: number }): CrmConnector;
  /** The config's secrets; the suite adds every token the stand-in issued. */
  secrets: string[];
  fetch: { objectType: string; ids: string[]; fields: string[]; expected: CrmRecord[] };
  /** Writes to existing records with active owners. */
  writes: OwnerWrite[];
  /** The owner id the CRM holds now for a record of `writes`. */
  ownerOf(ref: OwnerWrite['ref']): string | null | undefined;
  /** A write whose owner id is not an active user or queue of the CRM. */
  invalidOwner: OwnerWrite;
  /** `remove()` deletes the record `write` targets, in the CRM. */
  deleted: { write: OwnerWrite; remove(): void };
  /** Each way this CRM can be sent a field the object lacks (`field`); each must be refused for good. */
  unknownField: Array<{
    name: string;
    field: string;
    write: OwnerWrite;
    connector?: () => CrmConnector;
    arrange?: () => void;
  }>;
  faults: {
    /** A 5xx whose body carries an error code. */
    serverErrorWithCode: Fault;
    /** A 5xx (503) without a body code. */
    unavailableWithoutCode: Fault;
    /** A 429 with a short Retry-After. */
    rateLimited: Fault;
    /** A 429 without Retry-After. */
    rateLimitedNoRetryAfter: Fault;
    /** The daily/org limit, and the wait the connector must report (until it resets). */
    dailyLimit: { fault: Fault; retryAfterMs: number };
    /** A failing answer (any status) whose body quotes `token`. */
    quoting(token: string): Fault;
  };
}

export function runCrmConnectorContract(
  name: CrmName,
  setup: () => CrmConnectorContractSetup | Promise<CrmConnectorContractSetup>,
): void {
  describe(`CrmConnector contract: ${name}`, () => {
    let s: CrmConnectorContractSetup;
    let connector: CrmConnector;

    beforeEach(async () => {
      nock.disableNetConnect();
      s = await setup();
      connector = s.connector();
    });
    afterEach(() => {
      nock.cleanAll();
      nock.enableNetConnect();
    });

    const done = (scopes: nock.Scope | nock.Scope[]) => {
      for (const scope of [scopes].flat()) expect(scope.pendingMocks()).toEqual([]);
    };
    const expectNoSecrets = (e: unknown) => {
      const err = e as { message?: string; details?: unknown };
      const seen = JSON.stringify({ message: err.message, details: err.details });
      for (const secret of s.secrets) expect(seen).not.toContain(secret);
    };

    it('is named for its CRM', () => {
      expect(connector.name).toBe(name);
    });

    it("isOwnWrite knows our own owner writes by their origin, and nobody else's", () => {
      expect(s.origins.ours.length).toBeGreaterThan(0);
      expect(s.origins.others.length).toBeGreaterThan(0);
      for (const origin of s.origins.ours) expect(connector.isOwnWrite?.(origin), JSON.stringify(origin)).toBe(true);
      for (const origin of [...s.origins.others, {}])
        expect(connector.isOwnWrite?.(origin) ?? false, JSON.stringify(origin)).toBe(false);
    });

    it('checkFieldPath passes a readable path, refuses a broken one naming it, and leaves plain names to the unknown-field check', () => {
      const known = new Set(s.fieldPaths.known);
      for (const { path, expected } of s.fieldPaths.cases) {
        const result = connector.checkFieldPath?.(path, known);
        if (expected === 'unknown field') expect(result, path).toBeUndefined();
        else if (expected === 'readable') expect(result, path).toEqual({ ok: true });
        else {
          expect(result?.ok, path).toBe(false);
          expect(result && !result.ok ? result.message : '', path).toContain(path.slice(0, path.indexOf('.')));
        }
      }
    });

    it('verifyRequest accepts a genuine request', () => {
      expect(() => connector.verifyRequest(s.webhook.valid, s.now)).not.toThrow();
    });

    it('verifyRequest refuses forged, stale or unsigned requests with a 401 code, naming no secret', () => {
      expect(s.webhook.rejected.length).toBeGreaterThan(0);
      for (const bad of s.webhook.rejected) {
        let caught: unknown;
        try {
          connector.verifyRequest(bad.req, s.now);
        } catch (e) {
          caught = e;
        }
        expect(caught, bad.name).toMatchObject({ code: bad.code, status: 401 });
        expectNoSecrets(caught);
      }
    });

    it('parseEvents returns the events, tagged with this CRM, ISO times and source event ids', () => {
      const events = connector.parseEvents(s.webhook.valid);
      expect(events).toEqual(s.webhook.events);
      for (const e of events) {
        expect(e.record.crm).toBe(name);
        expect(e.sourceEventId).not.toBe('');
        expect(new Date(e.occurredAt).toISOString()).toBe(e.occurredAt);
      }
    });

    it('parseEvents is stable: a redelivery yields the same source event ids (intake dedupes on them)', () => {
      const ids = (req: InboundRequest) => connector.parseEvents(req).map((e) => e.sourceEventId);
      expect(ids(s.webhook.valid)).toEqual(ids({ ...s.webhook.valid }));
    });

    it('parseEvents refuses a malformed payload with VALIDATION_FAILED and the path of each problem', () => {
      let caught:
        { code?: string; status?: number; details?: { errors?: Array<{ path: string; message: string }> } } | undefined;
      try {
        connector.parseEvents(s.webhook.malformed);
      } catch (e) {
        caught = e as typeof caught;
      }
      expect(caught).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
      expect(caught?.details?.errors?.length).toBeGreaterThan(0);
      for (const issue of caught?.details?.errors ?? []) expect(issue.path).toMatch(/^body/);
    });

    it('ackResponse, when present, is a 2xx', () => {
      if (!connector.ackResponse) return;
      expect(connector.ackResponse(s.webhook.events).status).toBeGreaterThanOrEqual(200);
      expect(connector.ackResponse(s.webhook.events).status).toBeLessThan(300);
    });

    it('fetchRecords batch-reads the asked fields', async () => {
      const scopes = s.fetch.mock();
      const records = await connector.fetchRecords(s.fetch.objectType, s.fetch.ids, s.fetch.fields);
      expect(records).toEqual(s.fetch.expected);
      for (const r of records) expect(r.ref.crm).toBe(name);
      done(scopes);
    });

    it('fetchRecords waits out a 429 instead of failing', async () => {
      const scopes = s.rateLimitedFetch.mock();
      expect(await connector.fetchRecords(s.fetch.objectType, s.fetch.ids, s.fetch.fields)).toEqual(s.fetch.expected);
      done(scopes);
    });

    it('a refused credential is CRM_AUTH: not retried inside the call, retryable for the durable layer (an operator fixes it), naming no secret', async () => {
      const scopes = s.authFailure.mock();
      let caught: unknown;
      try {
        await connector.fetchRecords(s.fetch.objectType, s.fetch.ids, s.fetch.fields);
      } catch (e) {
        caught = e;
      }
      expect(caught).toMatchObject({ code: 'CRM_AUTH', details: { retryable: true } });
      expect((caught as { details?: object }).details).not.toHaveProperty('retryAfterMs');
      expectNoSecrets(caught);
      done(scopes);
    });

    it('writeOwners answers once per write, in order; a deleted record is CRM_NOT_FOUND and not retryable', async () => {
      const scopes = s.write.mock();
      const results = await connector.writeOwners(s.write.writes);
      expect(results.map((r) => r.writeId)).toEqual(s.write.writes.map((w) => w.writeId));
      expect(results).toMatchObject(s.write.expected);
      expect(results.some((r) => !r.ok && r.code === 'CRM_NOT_FOUND')).toBe(true);
      for (const r of results) {
        if (!r.ok && (r.code === 'CRM_NOT_FOUND' || r.code === 'CRM_REJECTED')) expect(r.retryable).toBe(false);
        if (!r.ok) expectNoSecrets(r);
      }
      done(scopes);
    });

    it('writeOwners of nothing sends nothing', async () => {
      expect(await connector.writeOwners([])).toEqual([]);
    });

    it('listOwners returns users (and queues) with CRM ids', async () => {
      const scopes = s.owners.mock();
      expect(await connector.listOwners()).toEqual(s.owners.expected);
      done(scopes);
    });

    it("describeFields returns the object's fields", async () => {
      const scopes = s.fields.mock();
      expect(await connector.describeFields(s.fields.objectType)).toEqual(s.fields.expected);
      done(scopes);
    });

    runStrictCases(name, () => s);
    runAccountCases(name, () => s.accounts);
  });
}

async function collect<T>(pages: AsyncIterable<{ items: T[]; next: string | null }>) {
  const out: Array<{ items: T[]; next: string | null }> = [];
  for await (const p of pages) out.push(p);
  return out;
}

function runAccountCases(name: CrmName, setup: () => (() => Promise<AccountsContractSetup>) | undefined): void {
  describe(`account mirror reads: ${name}`, () => {
    let t: AccountsContractSetup | undefined;
    beforeEach(async (ctx) => {
      const make = setup();
      if (!make) return ctx.skip(); // this CRM mirrors no accounts
      nock.enableNetConnect(/^127\.0\.0\.1(:\d+)?$/);
      t = await make();
    });
    afterEach(async () => {
      await t?.close();
      t = undefined;
    });

    it('lists every account once, in pages that each say where to resume, mapped as the CRM holds them', async () => {
      const pages = await collect(t!.connector().accounts!.listAccounts({ cursor: null }));
      expect(pages.length).toBeGreaterThan(1);
      expect(pages.flatMap((p) => p.items.map((a) => a.id))).toEqual(t!.ids);
      expect(pages.slice(0, -1).every((p) => p.next !== null)).toBe(true);
      expect(pages.at(-1)!.next).toBeNull();
      expect(pages.flatMap((p) => p.items).find((a) => a.id === t!.sample.id)).toEqual(t!.sample);
    });

    it('resumes after a page from its cursor: the rest, nothing twice', async () => {
      const source = t!.connector().accounts!;
      const first = await source.listAccounts({ cursor: null })[Symbol.asyncIterator]().next();
      const page = first.value as { items: CrmAccount[]; next: string };
      const rest = await collect(source.listAccounts({ cursor: page.next }));
      expect([...page.items, ...rest.flatMap((p) => p.items)].map((a) => a.id)).toEqual(t!.ids);
    });

    it('lists only the accounts changed since a moment, with their new values', async () => {
      const source = t!.connector().accounts!;
      const before = Date.now();
      t!.reassign(t!.sample.id);
      const changed = (await collect(source.listAccounts({ cursor: null, since: before - 1 }))).flatMap((p) => p.items);
      expect(changed.map((a) => a.id)).toEqual([t!.sample.id]);
      expect(changed[0]!.ownerCrmId).not.toBe(t!.sample.ownerCrmId);
    });

    it('fetches accounts by id; a deleted one is absent', async () => {
      const source = t!.connector().accounts!;
      t!.remove(t!.ids[0]!);
      const got = await source.fetchAccounts([t!.sample.id, t!.ids[0]!]);
      expect(got).toEqual([t!.sample]);
    });

    it('lists every contact with its account, email and owner', async () => {
      const contacts = (await collect(t!.connector().accounts!.listAccountContacts({ cursor: null }))).flatMap(
        (p) => p.items,
      );
      expect(
        contacts.map(({ contactId, accountId, email, ownerCrmId }) => ({ contactId, accountId, email, ownerCrmId })),
      ).toEqual(t!.contacts);
    });
  });
}

type Caught = { code?: string; message?: string; details?: Record<string, unknown> };

function runStrictCases(name: CrmName, base: () => CrmConnectorContractSetup): void {
  describe(`strict stand-in: ${name}`, () => {
    let t: StrictContractSetup;
    let c: CrmConnector;
    beforeEach(async () => {
      nock.enableNetConnect(/^127\.0\.0\.1(:\d+)?$/);
      t = await base().strict();
      c = t!.connector();
    });
    afterEach(async () => {
      await t.standIn.close();
    });

    const fetch = (conn = c) => conn.fetchRecords(t.fetch.objectType, t.fetch.ids, t.fetch.fields);
    const failure = async (p: Promise<unknown>): Promise<Caught> => {
      try {
        await p;
      } catch (e) {
        return e as Caught;
      }
      throw new Error('expected the call to fail');
    };
    // Config secrets and every token the stand-in handed out (access and refresh).
    const expectNoSecrets = (e: unknown) => {
      const err = e as Caught;
      const seen = JSON.stringify({ message: err.message, details: err.details });
      for (const secret of [...t.secrets, ...t.standIn.issuedTokens]) expect(seen).not.toContain(secret);
    };
    const failed = (r: WriteResult | undefined) => r as Extract<WriteResult, { ok: false }>;

    it('reads and writes: every write lands, with the owner asked for', async () => {
      expect(await fetch()).toEqual(t.fetch.expected);
      const results = await c.writeOwners(t.writes);
      expect(results).toEqual(t.writes.map((w) => ({ writeId: w.writeId, ok: true })));
      for (const w of t.writes) expect(t.ownerOf(w.ref)).toBe(w.ownerId);
    });

    it('a field the object lacks is refused for good: CRM_REJECTED, not retryable, the reason kept, nothing written', async () => {
      expect(t.unknownField.length).toBeGreaterThan(0);
      for (const u of t.unknownField) {
        u.arrange?.();
        const before = t.ownerOf(u.write.ref);
        const [r] = await (u.connector?.() ?? c).writeOwners([u.write]);
        expect(r, u.name).toMatchObject({
          writeId: u.write.writeId,
          ok: false,
          code: 'CRM_REJECTED',
          retryable: false,
        });
        expect(failed(r).message, u.name).toContain(u.field);
        expect(t.ownerOf(u.write.ref), u.name).toBe(before);
        expectNoSecrets(r);
      }
    });

    it('an owner id that is not an active user or queue: that write CRM_REJECTED, not retryable; the rest of the batch written', async () => {
      const results = await c.writeOwners([...t.writes, t.invalidOwner]);
      expect(results.map((r) => r.writeId)).toEqual([...t.writes, t.invalidOwner].map((w) => w.writeId));
      expect(results.at(-1)).toMatchObject({ ok: false, code: 'CRM_REJECTED', retryable: false });
      for (const [i, w] of t.writes.entries()) {
        expect(results[i]).toEqual({ writeId: w.writeId, ok: true });
        expect(t.ownerOf(w.ref)).toBe(w.ownerId);
      }
    });

    it('a record deleted in the CRM: CRM_NOT_FOUND, not retryable; the others written', async () => {
      t.deleted.remove();
      const results = await c.writeOwners([t.writes[0]!, t.deleted.write]);
      expect(results[0]).toEqual({ writeId: t.writes[0]!.writeId, ok: true });
      expect(results[1]).toMatchObject({
        writeId: t.deleted.write.writeId,
        ok: false,
        code: 'CRM_NOT_FOUND',
        retryable: false,
      });
    });

    for (const [label, pick] of [
      ['a 5xx with a body code', () => t.faults.serverErrorWithCode],
      ['a 503 without a body code', () => t.faults.unavailableWithoutCode],
      ['a connection reset', (): Fault => ({ kind: 'reset' })],
    ] as const) {
      it(`${label} that persists is CRM_TEMPORARY and retryable, for reads and writes; the CRM back, the call works`, async () => {
        t.standIn.faults.next({ ...pick(), times: Infinity });
        const err = await failure(fetch());
        expect(err).toMatchObject({ code: 'CRM_TEMPORARY', details: { retryable: true } });
        expectNoSecrets(err);
        const results = await c.writeOwners(t.writes);
        for (const r of results) expect(r).toMatchObject({ ok: false, code: 'CRM_TEMPORARY', retryable: true });
        t.standIn.faults.clear();
        expect(await fetch()).toEqual(t.fetch.expected);
      });

      it(`${label} once is retried inside the call`, async () => {
        t.standIn.faults.next({ ...pick(), times: 1 });
        expect(await fetch()).toEqual(t.fetch.expected);
        t.standIn.faults.next({ ...pick(), times: 1 });
        expect(await c.writeOwners(t.writes)).toEqual(t.writes.map((w) => ({ writeId: w.writeId, ok: true })));
      });
    }

    it('a hung request fails within the configured timeout as a retryable CRM_TEMPORARY, and its socket is freed', async () => {
      const quick = t.connector({ requestTimeoutMs: 200 });
      t.standIn.faults.next({ kind: 'hang', times: Infinity });
      const err = await failure(fetch(quick));
      expect(err).toMatchObject({ code: 'CRM_TEMPORARY', details: { retryable: true } });
      expect(err.message).toMatch(/200 ms/);
      expect(t.standIn.faults.applied.hang).toBeGreaterThan(0);
      await until(() => t.standIn.faults.hanging() === 0, {
        timeoutMs: 5_000,
        what: 'hung sockets closed by the client',
      });
      t.standIn.faults.clear();
      expect(await fetch(quick)).toEqual(t.fetch.expected);
    });

    for (const [label, pick] of [
      ['with Retry-After', () => t.faults.rateLimited],
      ['without Retry-After', () => t.faults.rateLimitedNoRetryAfter],
    ] as const) {
      it(`a 429 ${label} is waited out (or handed back retryable with retryAfterMs)`, async () => {
        t.standIn.faults.next({ ...pick(), times: 1 });
        try {
          expect(await fetch()).toEqual(t.fetch.expected);
        } catch (e) {
          expect(e).toMatchObject({
            code: 'CRM_RATE_LIMITED',
            details: { retryable: true, retryAfterMs: expect.any(Number) },
          });
        }
        t.standIn.faults.next({ ...pick(), times: 1 });
        for (const r of await c.writeOwners(t.writes)) {
          if (!r.ok)
            expect(r).toMatchObject({ code: 'CRM_RATE_LIMITED', retryable: true, retryAfterMs: expect.any(Number) });
        }
      });
    }

    it('the daily limit: retryable CRM_RATE_LIMITED with retryAfterMs until it resets, not slept on', async () => {
      t.standIn.faults.next({ ...t.faults.dailyLimit.fault, times: Infinity });
      const err = await failure(fetch());
      expect(err).toMatchObject({
        code: 'CRM_RATE_LIMITED',
        details: { retryable: true, retryAfterMs: t.faults.dailyLimit.retryAfterMs },
      });
      for (const r of await c.writeOwners(t.writes))
        expect(r).toMatchObject({
          ok: false,
          code: 'CRM_RATE_LIMITED',
          retryable: true,
          retryAfterMs: t.faults.dailyLimit.retryAfterMs,
        });
    });

    it('an expired token: the connector refreshes once and the call succeeds', async () => {
      expect(await fetch()).toEqual(t.fetch.expected);
      const grants = t.standIn.tokenRequests.length;
      t.standIn.expireToken();
      expect(await fetch()).toEqual(t.fetch.expected);
      expect(t.standIn.tokenRequests.length).toBe(grants + 1);
      expect(await c.writeOwners(t.writes)).toEqual(t.writes.map((w) => ({ writeId: w.writeId, ok: true })));
    });

    it('a revoked credential (refresh refused): CRM_AUTH, one refresh attempt only, retryable for the durable layer, no retryAfterMs, no secret', async () => {
      expect(await fetch()).toEqual(t.fetch.expected);
      const grants = t.standIn.tokenRequests.length;
      t.standIn.expireToken();
      t.standIn.revokeRefreshToken();
      const err = await failure(fetch());
      expect(err).toMatchObject({ code: 'CRM_AUTH', details: { retryable: true } });
      expect(err.details).not.toHaveProperty('retryAfterMs');
      expect(t.standIn.tokenRequests.length).toBe(grants + 1);
      expectNoSecrets(err);
      const [r] = await c.writeOwners([t.writes[0]!]);
      expect(r).toMatchObject({ ok: false, code: 'CRM_AUTH', retryable: true });
      expectNoSecrets(r);
    });

    it('an error quoting a token obtained at run time never shows it (messages and details)', async () => {
      expect(await fetch()).toEqual(t.fetch.expected);
      const token = t.standIn.issuedTokens.at(-1);
      expect(token).toBeDefined();
      t.standIn.faults.next({ ...t.faults.quoting(token!), times: Infinity });
      const err = await failure(fetch());
      expect(JSON.stringify({ m: err.message, d: err.details })).toContain('[redacted]');
      expectNoSecrets(err);
      for (const r of await c.writeOwners(t.writes)) {
        expect(r.ok).toBe(false);
        expectNoSecrets(r);
      }
    });
  });
}
