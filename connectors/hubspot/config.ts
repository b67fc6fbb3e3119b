// Configuration of one HubSpot connector = one HubSpot portal (account). Parsed once by the
// composition root; every secret becomes a Secret that prints "[redacted]".
import { z } from 'zod';
import { errors } from '../../src/errors.js';
import { Secret } from './secret.js';

// Accepts a plain string (from env/YAML) or an already-wrapped Secret, so parsing is idempotent.
const secret = z.union([
  z.instanceof(Secret),
  z
    .string()
    .min(1)
    .transform((s) => new Secret(s)),
]);

export const signatureVersions = ['v1', 'v2', 'v3'] as const;
export type SignatureVersion = (typeof signatureVersions)[number];

const privateAppAuth = z.object({
  kind: z.literal('private_app'),
  /** Private app access token ("pat-na1-..."), sent as Authorization: Bearer. */
  token: secret,
});

const oauthAuth = z.object({
  kind: z.literal('oauth'),
  clientId: z.string().min(1),
  clientSecret: secret,
  /** Long-lived refresh token from the install flow; access tokens are minted from it. */
  refreshToken: secret,
  /** Refresh this long before the access token expires (HubSpot tokens live 30 min). Default 5 min. */
  refreshBeforeExpiryMs: z.number().int().nonnegative().default(300_000),
});

export const hubSpotConfigSchema = z.object({
  /** API base URL without a trailing slash; point it at nock or the stand-in in tests. */
  baseUrl: z
    .url()
    .transform((u) => u.replace(/\/+$/, ''))
    .default('https://api.hubapi.com'),
  auth: z.discriminatedUnion('kind', [privateAppAuth, oauthAuth]),
  /** The app's client secret, used to verify webhook signatures (v3 HMAC key, v1/v2 hash prefix). */
  clientSecret: secret,
  /** Signature versions accepted on webhooks. v1/v2 have no timestamp (replayable): opt in only. */
  acceptSignatureVersions: z.array(z.enum(signatureVersions)).min(1).default(['v3']),
  /** HubSpot object types whose creation/changes we route: names (contact, company, deal, ticket, lead) or ids ("2-123"). */
  objectTypes: z.array(z.string().min(1)).min(1).default(['contact']),
  /** The app's id: HubSpot reports our own owner writes with changeSource INTEGRATION and this as sourceId (echo detection, docs/sync.md). */
  appId: z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative().transform(String)]).optional(),
  /**
   * Moved: the route-reason property is set per object type in the config document
   * (mappings["hubspot/<type>"].reasonField), where publish checks it against the portal. A
   * connector config that still sets it is refused, so the reason does not silently stop.
   */
  ownerReasonProperty: z
    .never({
      error:
        'moved: set mappings["hubspot/<objectType>"].reasonField in the config document (YAML/JSON, published through the admin API or CONFIG_FILE) instead',
    })
    .optional(),
  /** Company properties mirrored beside the standard ones, for rules as account.custom.<name> (docs/accounts.md). */
  accountFields: z
    .array(z.string().regex(/^[a-z0-9_]+$/, 'must be a HubSpot property name'))
    .default(['industry', 'country', 'numberofemployees']),
  /** Client-side token bucket per portal. HubSpot's private-app burst limit is 190-200 / 10 s. */
  rateLimit: z
    .object({
      requests: z.number().int().positive().default(190),
      windowMs: z.number().int().positive().default(10_000),
    })
    .default({ requests: 190, windowMs: 10_000 }),
  /** Retries of one API call after a 429, 5xx or network error (0 = try once). Default 3. */
  maxRetries: z.number().int().min(0).max(10).default(3),
  /** First backoff delay after a 5xx/network error; doubles per attempt, with jitter. Default 500 ms. */
  retryBaseDelayMs: z.number().int().positive().default(500),
  /** Longest wait we do in-process (Retry-After, backoff); longer waits fail the call as retryable with retryAfterMs, so the queue reschedules it. Default 30 s. */
  maxRetryWaitMs: z.number().int().positive().default(30_000),
  /** A new connection to HubSpot (TCP + TLS) must be up within this long. Default 5 s. */
  connectTimeoutMs: z.number().int().positive().default(5_000),
  /** One API request must have its complete answer within this long, or it is aborted (retryable). Default 30 s. */
  requestTimeoutMs: z.number().int().positive().default(30_000),
  /** The portal's time zone (Settings > Account defaults): HubSpot's DAILY limit resets at its midnight. Default UTC. */
  timeZone: z
    .string()
    .refine((tz) => isTimeZone(tz), 'must be an IANA time zone, e.g. Europe/Berlin')
    .default('UTC'),
});

export type HubSpotConfigInput = z.input<typeof hubSpotConfigSchema>;
export type HubSpotConfig = z.output<typeof hubSpotConfigSchema>;
export type HubSpotAuthConfig = HubSpotConfig['auth'];

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Parses raw config (idempotent on a parsed one); throws CONFIG_INVALID naming each path (e.g. "hubspot.auth.token"). */
export function parseHubSpotConfig(input: unknown): HubSpotConfig {
  const parsed = hubSpotConfigSchema.safeParse(input);
  if (!parsed.success) {
    throw errors.configInvalid(
      parsed.error.issues.map((i) => ({ path: ['hubspot', ...i.path.map(String)].join('.'), message: i.message })),
    );
  }
  return parsed.data;
}
