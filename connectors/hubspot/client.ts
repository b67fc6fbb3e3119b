// Builds the @hubspot/api-client SDK objects one connector uses. Choices, and why:
// - basePath = config.baseUrl, so tests and benchmarks point the real SDK at nock or the stand-in.
// - No numberOfApiCallRetries and no limiterOptions: the SDK's retry sleeps with real timers,
//   ignores Retry-After and logs with console.error; its Bottleneck limiter is not per portal.
//   Our TokenBucket + request runner do both, with an injected clock, so they are testable.
// - The SDK keeps its decorators in a process-wide singleton that each `new Client()` overwrites
//   and that is applied when an API object is first touched. We touch ours right away, so another
//   Client built elsewhere with retries cannot sneak its decorators onto our calls.
// - httpAgent = our timeout agent (connectors/http): with an agent the SDK sends through
//   node:http instead of fetch, and the agent aborts a request past requestTimeoutMs and a
//   connect past connectTimeoutMs, freeing the socket. Without it a hung HubSpot call waits forever.
// - No accessToken in the SDK config: a middleware sets Authorization per request from the
//   TokenProvider, so an OAuth refresh needs no client rebuild. The same middleware hands every
//   response's headers (429s included) to the bucket.
import type { Agent } from 'node:http';
import { Client } from '@hubspot/api-client';
import type { RefreshTokenFn, TokenProvider } from './auth.js';

type Crm = Client['crm'];

export interface HubSpotApis {
  contactsBatch: Crm['contacts']['batchApi'];
  objectsBatch: Crm['objects']['batchApi'];
  owners: Crm['owners']['ownersApi'];
  properties: Crm['properties']['coreApi'];
  companiesBasic: Crm['companies']['basicApi'];
  companiesSearch: Crm['companies']['searchApi'];
  companiesBatch: Crm['companies']['batchApi'];
  contactsBasic: Crm['contacts']['basicApi'];
  contactsSearch: Crm['contacts']['searchApi'];
}

interface RequestCtx {
  setHeaderParam(key: string, value: string): void;
}
interface ResponseCtx {
  httpStatusCode: number;
  headers: Record<string, string>;
}

/**
 * An error status whose body is not JSON (an empty 503, a gateway's HTML page) makes the SDK throw
 * a plain "Cannot parse content" Error with no status, which would read as our own bug. Thrown
 * here instead, shaped like the SDK's ApiException ({ code, headers }), so it is classified by status.
 */
function nonJsonErrorStatus(ctx: ResponseCtx): Error | undefined {
  const status = ctx.httpStatusCode;
  const type = Object.entries(ctx.headers ?? {}).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
  if (status < 400 || /json/i.test(type)) return undefined;
  return Object.assign(new Error(`HubSpot answered ${status} without a JSON body`), {
    code: status,
    headers: ctx.headers ?? {},
  });
}

export function createApis(opts: {
  baseUrl: string;
  httpAgent: Agent;
  tokens: TokenProvider;
  onResponseHeaders: (h: Record<string, string>) => void;
}): HubSpotApis {
  const client = new Client({
    basePath: opts.baseUrl,
    httpAgent: opts.httpAgent,
    numberOfApiCallRetries: 0,
    middleware: [
      {
        pre: async (ctx: unknown) => {
          const token = await opts.tokens.accessToken();
          (ctx as RequestCtx).setHeaderParam('Authorization', `Bearer ${token.reveal()}`);
          return ctx;
        },
        post: async (ctx: unknown) => {
          opts.onResponseHeaders((ctx as ResponseCtx).headers ?? {});
          const err = nonJsonErrorStatus(ctx as ResponseCtx);
          if (err) throw err;
          return ctx;
        },
      },
    ],
  });
  return {
    contactsBatch: client.crm.contacts.batchApi,
    objectsBatch: client.crm.objects.batchApi,
    owners: client.crm.owners.ownersApi,
    properties: client.crm.properties.coreApi,
    companiesBasic: client.crm.companies.basicApi,
    companiesSearch: client.crm.companies.searchApi,
    companiesBatch: client.crm.companies.batchApi,
    contactsBasic: client.crm.contacts.basicApi,
    contactsSearch: client.crm.contacts.searchApi,
  };
}

/** POST {baseUrl}/oauth/v1/token with grant_type=refresh_token, through the SDK. */
export function createTokenRefresher(baseUrl: string, httpAgent: Agent): RefreshTokenFn {
  const tokensApi = new Client({ basePath: baseUrl, httpAgent, numberOfApiCallRetries: 0 }).oauth.tokensApi;
  return async (req) => {
    const res = await tokensApi.create(
      'refresh_token',
      undefined,
      undefined,
      req.clientId,
      req.clientSecret.reveal(),
      req.refreshToken.reveal(),
    );
    return { accessToken: res.accessToken, refreshToken: res.refreshToken, expiresInSeconds: res.expiresIn };
  };
}
