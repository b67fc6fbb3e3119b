// Salesforce connector config. Parsed once by the composition root and passed down frozen;
// secrets become Secret values that print "[redacted]".
import { z } from 'zod';
import { errors } from '../../src/errors.js';
import { Secret } from './secret.js';

const secret = z.union([
  z.instanceof(Secret),
  z
    .string()
    .min(1)
    .transform((v) => new Secret(v)),
]);
/** sObject API names: letters, digits, underscores (custom objects end in __c). Used verbatim in SOQL. */
export const sobjectName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'must be an sObject API name');
/** 15- or 18-character Salesforce org id (prefix 00D). */
const orgId = z
  .string()
  .regex(/^00D[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$/, 'must be a 15 or 18 character org id (00D...)');

const authSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('refresh_token'),
    clientId: z.string().min(1),
    clientSecret: secret,
    refreshToken: secret,
  }),
  z.object({
    kind: z.literal('jwt'),
    clientId: z.string().min(1),
    username: z.string().min(1),
    /** PEM private key of the certificate uploaded to the connected app. */
    privateKey: secret,
  }),
  /** A ready session (tests, stand-ins, or a token minted elsewhere). Never refreshed. */
  z.object({ kind: z.literal('access_token'), accessToken: secret }),
]);

export const salesforceConfigSchema = z
  .object({
    /** OAuth host: 'production' (login.salesforce.com), 'sandbox' (test.salesforce.com) or a My Domain / stand-in URL. */
    loginUrl: z.union([z.enum(['production', 'sandbox']), z.url()]).default('production'),
    /** REST/CometD base. Optional for OAuth flows (the token response names it); required for access_token. */
    instanceUrl: z.url().optional(),
    /** REST API version, e.g. '62.0'. sObject Collections need 42.0 or later. */
    apiVersion: z
      .string()
      .regex(/^\d{2,3}\.0$/, "must look like '62.0'")
      .default('62.0'),
    auth: authSchema,
    /** The org we serve; outbound messages from any other org are refused. */
    organizationId: orgId,
    /** Secret path segment of the outbound-message URL (Salesforce cannot sign its messages). */
    outboundToken: secret.refine((s) => s.reveal().length >= 16, 'must be at least 16 characters'),
    /** Objects routed; each gets a /data/<Object>ChangeEvent channel and a poller query. */
    objectTypes: z.array(sobjectName).min(1).default(['Lead', 'Contact']),
    /** Objects whose outbound message fires on an owner change (it carries OwnerId) rather than on create. */
    ownerChangeOutboundObjects: z.array(sobjectName).default([]),
    /** Account fields mirrored beside the standard ones, for rules as account.custom.<name> (docs/accounts.md). */
    accountFields: z.array(sobjectName).default(['Industry', 'BillingCountry', 'NumberOfEmployees']),
    /** Mirror each account's record type (RecordType.DeveloperName); only orgs with Account record types have the field. */
    accountRecordTypes: z.boolean().default(false),
    /** Count each account's opportunities (one aggregate query per 200 accounts loaded). */
    accountOpportunityCounts: z.boolean().default(true),
    requestBudget: z
      .object({
        /** Most REST calls this process makes per rolling minute; further calls wait. */
        maxRequestsPerMinute: z.int().positive().default(1500),
        /** Daily API calls left untouched for other integrations; below it calls fail CRM_RATE_LIMITED. */
        reserveApiCalls: z.int().nonnegative().default(1000),
      })
      .default({ maxRequestsPerMinute: 1500, reserveApiCalls: 1000 }),
    /** Retries inside one writeOwners call for transient record errors (UNABLE_TO_LOCK_ROW, 5xx). */
    maxRetries: z.int().min(0).max(10).default(3),
    /** First retry delay; doubles per attempt, with +-20% jitter. */
    retryBaseDelayMs: z.int().nonnegative().default(500),
    /** Longest wait done inside one call (Retry-After, backoff); a longer one fails the call as retryable with retryAfterMs. */
    maxRetryWaitMs: z.int().positive().default(30_000),
    /** A new connection to Salesforce (TCP + TLS) must be up within this long. Default 5 s. */
    connectTimeoutMs: z.int().positive().default(5_000),
    /** One REST or token request must have its complete answer within this long, or it is aborted (retryable). Default 30 s. */
    requestTimeoutMs: z.int().positive().default(30_000),
    /**
     * How long to wait after REQUEST_LIMIT_EXCEEDED (the org's rolling 24-hour API allowance is
     * spent; Salesforce gives no reset time). Default 15 minutes.
     */
    requestLimitWaitMs: z.int().positive().default(900_000),
    /** Sforce-Call-Options client id; shows up in CDC changeOrigin so our own writes are recognisable. */
    callOptionsClient: z
      .string()
      .regex(/^[A-Za-z0-9_.\-/]+$/)
      .default('lead-router'),
    /**
     * Inbound streams run by worker processes, besides outbound messages (which need no worker).
     * Both are off by default: an org without CDC on these objects refuses the subscription, and
     * a poller spends API calls every interval.
     */
    streams: z
      .strictObject({
        /** Subscribe to /data/<Object>ChangeEvent with a durable replay id. */
        cdc: z.boolean().default(false),
        /** Where CDC starts when no replay id is stored yet: -1 = new events only, -2 = all retained (72 h). */
        cdcInitialReplayId: z.union([z.literal(-1), z.literal(-2)]).default(-1),
        /**
         * With cdc: also /data/AccountChangeEvent, to keep the account mirror current within a second
         * (docs/accounts.md). Off by default: the org must have selected Account for CDC.
         */
        accountChangeEvents: z.boolean().default(false),
        /**
         * With cdc: also /data/ContactChangeEvent, to keep the mirror's contact-domain counts (the
         * dominant account by contact domain) current between syncs. Off by default: the org must
         * have selected Contact for CDC.
         */
        contactChangeEvents: z.boolean().default(false),
        /** SOQL polling fallback on SystemModstamp with a durable watermark; absent = off. */
        poll: z
          .strictObject({
            /** Time between polls. */
            intervalMs: z.int().min(1000).default(30_000),
            /** How far back the first poll looks when no watermark is stored. */
            initialLookbackMs: z.int().nonnegative().default(3_600_000),
          })
          .optional(),
      })
      .default({ cdc: false, cdcInitialReplayId: -1, accountChangeEvents: false, contactChangeEvents: false }),
  })
  .refine((c) => c.auth.kind !== 'access_token' || c.instanceUrl !== undefined, {
    path: ['instanceUrl'],
    message: 'is required when auth.kind is access_token',
  });

export type SalesforceConfig = z.output<typeof salesforceConfigSchema>;
export type SalesforceConfigInput = z.input<typeof salesforceConfigSchema>;
export type SalesforceAuth = SalesforceConfig['auth'];

/** Parses raw config; throws CONFIG_INVALID naming each path (e.g. "auth.clientId"). */
export function parseSalesforceConfig(input: unknown): SalesforceConfig {
  const r = salesforceConfigSchema.safeParse(input);
  if (!r.success) {
    throw errors.configInvalid(r.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message })));
  }
  return Object.freeze(r.data);
}

export function resolveLoginUrl(loginUrl: SalesforceConfig['loginUrl']): string {
  if (loginUrl === 'production') return 'https://login.salesforce.com';
  if (loginUrl === 'sandbox') return 'https://test.salesforce.com';
  return loginUrl.replace(/\/+$/, '');
}

/** Every secret in the config, so error text from the wire can be scrubbed of them. */
export function configSecrets(c: SalesforceConfig): Secret[] {
  const out: Secret[] = [c.outboundToken];
  if (c.auth.kind === 'refresh_token') out.push(c.auth.clientSecret, c.auth.refreshToken);
  if (c.auth.kind === 'jwt') out.push(c.auth.privateKey);
  if (c.auth.kind === 'access_token') out.push(c.auth.accessToken);
  return out;
}
