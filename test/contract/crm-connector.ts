// One suite every CrmConnector must pass (HubSpot, Salesforce, ...). It knows nothing of any CRM:
// the caller hands in a connector factory, the requests and nock'd responses of its CRM, and the
// outcomes the contract promises. Call it from a *.test.ts file:
//
//   runCrmConnectorContract('hubspot', () => ({ connector: () => createHubSpotConnector(...), ... }));
//
// Rules the caller's setup must follow: the connector points at nock'd hosts; its sleep is fake
// (the 429 case must not really wait); each `mock()` registers fresh interceptors and returns the
// scopes that must all be consumed.
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CrmConnector, CrmErrorCode, CrmOwner, CrmRecord, FieldInfo, InboundEvent, InboundRequest, OwnerWrite } from '../../src/connector.js';
import type { ErrorCode } from '../../src/errors.js';
import type { CrmName } from '../../src/lead/index.js';

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
  write: { writes: OwnerWrite[]; mock: ContractMock; expected: Array<{ writeId: string; ok: boolean; code?: CrmErrorCode; retryable?: boolean }> };
  owners: { mock: ContractMock; expected: CrmOwner[] };
  fields: { objectType: string; mock: ContractMock; expected: FieldInfo[] };
  /** The fetch case, but the CRM first answers 429 (rate limited) once. */
  rateLimitedFetch: { mock: ContractMock };
  /** The fetch case, but the CRM refuses the credentials. */
  authFailure: { mock: ContractMock };
}

export function runCrmConnectorContract(name: CrmName, setup: () => CrmConnectorContractSetup | Promise<CrmConnectorContractSetup>): void {
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
      let caught: { code?: string; status?: number; details?: { errors?: Array<{ path: string; message: string }> } } | undefined;
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

    it('a refused credential is CRM_AUTH, not retried as if temporary, and names no secret', async () => {
      const scopes = s.authFailure.mock();
      let caught: unknown;
      try {
        await connector.fetchRecords(s.fetch.objectType, s.fetch.ids, s.fetch.fields);
      } catch (e) {
        caught = e;
      }
      expect(caught).toMatchObject({ code: 'CRM_AUTH' });
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

    it('describeFields returns the object\'s fields', async () => {
      const scopes = s.fields.mock();
      expect(await connector.describeFields(s.fields.objectType)).toEqual(s.fields.expected);
      done(scopes);
    });
  });
}
