// The HubSpot connector: webhooks (v3 signatures), batch read, batch owner write-back, owners and
// properties, over @hubspot/api-client with our own per-portal rate limit and retries.
// Nothing happens at import: the SDK client, token bucket and token provider are built here, per
// call of createHubSpotConnector, from config and deps. See docs/connectors-hubspot.md.
import type { CrmConnector } from '../../src/connector.js';
import { createHubSpotAccountSource } from './accounts.js';
import { errors } from '../../src/errors.js';
import { timeoutAgent } from '../http/index.js';
import { createTokenProvider, type RefreshTokenFn } from './auth.js';
import { createApis, createTokenRefresher } from './client.js';
import { parseHubSpotConfig, type HubSpotConfig, type HubSpotConfigInput } from './config.js';
import { describeFields } from './describe-fields.js';
import { fetchRecords } from './fetch-records.js';
import { listOwners } from './list-owners.js';
import { isHubSpotOwnWrite } from './own-write.js';
import { parseBatch, parseEvents } from './parse-events.js';
import { TokenBucket, type Clock } from './rate-limit.js';
import { createRequestRunner } from './request.js';
import { verifySignature } from './verify-signature.js';
import { writeOwners } from './write-owners.js';

export { hubSpotConfigSchema, parseHubSpotConfig, signatureVersions } from './config.js';
export { isHubSpotOwnWrite } from './own-write.js';
export type { HubSpotConfig, HubSpotConfigInput, SignatureVersion } from './config.js';

export interface HubSpotDeps {
  /** Epoch milliseconds; drives token expiry, Retry-After dates and the bucket. Default Date.now. */
  now?: () => number;
  /** How the connector waits (bucket, backoff). Tests pass one that advances a fake clock. */
  sleep?: (ms: number) => Promise<void>;
  /** [0, 1) for retry jitter. Default Math.random. */
  random?: () => number;
  /** OAuth token refresh; default POSTs {baseUrl}/oauth/v1/token through the SDK. */
  refreshToken?: RefreshTokenFn;
}

/** `input` may be raw (it is parsed; CONFIG_INVALID names the path) or already parsed. */
export function createHubSpotConnector(
  input: HubSpotConfigInput | HubSpotConfig,
  deps: HubSpotDeps = {},
): CrmConnector {
  const config = parseHubSpotConfig(input);
  const appIds = config.appId === undefined ? [] : [config.appId];
  const clock: Clock = {
    now: deps.now ?? (() => Date.now()),
    sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
  };
  const random = deps.random ?? Math.random;
  // Paced in pairs: a lead's record read and its owner write (rate-limit.ts).
  const bucket = new TokenBucket({ ...config.rateLimit, clock, pacedTogether: 2 });
  const httpAgent = timeoutAgent(config.baseUrl, config);
  const tokens = createTokenProvider(config.auth, {
    now: clock.now,
    refresh: deps.refreshToken ?? createTokenRefresher(config.baseUrl, httpAgent),
  });
  const apis = createApis({ baseUrl: config.baseUrl, httpAgent, tokens, onResponseHeaders: (h) => bucket.observe(h) });
  const call = createRequestRunner({ bucket, tokens, clock, random, secrets: [config.clientSecret], ...config });
  const io = { apis, call };

  return {
    name: 'hubspot',
    verifyRequest: (req, now) => {
      verifySignature(req, { clientSecret: config.clientSecret, acceptVersions: config.acceptSignatureVersions, now });
    },
    parseEvents: (req) => parseEvents(req, { objectTypes: config.objectTypes }),
    parseBatch: (req) => parseBatch(req, { objectTypes: config.objectTypes }),
    fetchRecords: (objectType, ids, fields) => fetchRecords(io, objectType, ids, fields),
    writeOwners: (writes) =>
      writeOwners(
        { ...io, clock, random, ...config, secrets: () => [config.clientSecret, ...tokens.secrets()] },
        writes,
      ),
    listOwners: (opts) => listOwners(io, opts),
    describeFields: (objectType) => describeFields(io, objectType),
    isOwnWrite: (origin) => isHubSpotOwnWrite(appIds, origin),
    callBudget: () => bucket.budget(),
    accounts: createHubSpotAccountSource({ ...io, accountFields: config.accountFields }),
  };
}
