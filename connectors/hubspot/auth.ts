// Bearer tokens for API calls. A private app has one static token. An OAuth install has a
// refresh token from which short-lived access tokens (30 min) are minted; we refresh ahead of
// expiry (refreshBeforeExpiryMs) so a call never goes out with a token about to lapse, share one
// refresh among concurrent callers, and refresh once more after a 401 (revoked or rotated early).
// Tokens are Secrets end to end: they reach a header and nothing else, never a message or a log.
import { AppError } from '../../src/errors.js';
import type { HubSpotAuthConfig } from './config.js';
import { classifyError } from './classify-error.js';
import { Secret, redact } from './secret.js';

export interface TokenProvider {
  /** Token for the next request (refreshed first when it is close to expiry). */
  accessToken(): Promise<Secret>;
  /** After a 401: drop the cached token. True when a retry with a fresh one can help (OAuth only). */
  invalidate(): boolean;
  /** Every secret this provider holds right now, so error text can be scrubbed of them. */
  secrets(): Secret[];
}

export interface RefreshRequest {
  clientId: string;
  clientSecret: Secret;
  refreshToken: Secret;
}

export interface RefreshedToken {
  accessToken: string;
  /** HubSpot may hand out a new refresh token; keep it when it does. */
  refreshToken?: string;
  expiresInSeconds: number;
}

const maxRemembered = 100;

export type RefreshTokenFn = (req: RefreshRequest) => Promise<RefreshedToken>;

export function createTokenProvider(
  auth: HubSpotAuthConfig,
  deps: { now: () => number; refresh: RefreshTokenFn },
): TokenProvider {
  if (auth.kind === 'private_app') {
    return { accessToken: async () => auth.token, invalidate: () => false, secrets: () => [auth.token] };
  }
  let refreshToken = auth.refreshToken;
  let current: { token: Secret; expiresAt: number } | undefined;
  let inflight: Promise<Secret> | undefined;
  // Every token obtained stays redacted after it is replaced: an error that quotes an old token
  // (a log line, a late answer) must not print it. Bounded: 30-minute tokens, ~50 a day.
  const obtained: Secret[] = [];
  const keep = (s: Secret) => {
    obtained.push(s);
    if (obtained.length > maxRemembered) obtained.shift();
  };

  const refresh = async (): Promise<Secret> => {
    let got: RefreshedToken;
    try {
      got = await deps.refresh({ clientId: auth.clientId, clientSecret: auth.clientSecret, refreshToken });
    } catch (e) {
      throw refreshFailed(e, deps.now(), [auth.clientSecret, auth.refreshToken, ...obtained]);
    }
    if (got.refreshToken && got.refreshToken !== refreshToken.reveal()) {
      refreshToken = new Secret(got.refreshToken);
      keep(refreshToken);
    }
    current = { token: new Secret(got.accessToken), expiresAt: deps.now() + got.expiresInSeconds * 1000 };
    keep(current.token);
    return current.token;
  };

  return {
    accessToken(): Promise<Secret> {
      if (current && deps.now() < current.expiresAt - auth.refreshBeforeExpiryMs) return Promise.resolve(current.token);
      inflight ??= refresh().finally(() => {
        inflight = undefined;
      });
      return inflight;
    },
    invalidate(): boolean {
      current = undefined;
      return true;
    },
    secrets: () => [auth.clientSecret, auth.refreshToken, ...obtained],
  };
}

// The token endpoint answers 400 BAD_REFRESH_TOKEN / BAD_CLIENT_ID for credentials that will not
// start working on a retry in this call: that is an auth failure, not a rejected write. It is
// retryable for the durable layer all the same (no retryAfterMs: it backs off on its own), so the
// leads wait for an operator to reconnect the app instead of dying. A 5xx or timeout of the token
// endpoint keeps its own classification (CRM_TEMPORARY).
function refreshFailed(e: unknown, nowMs: number, secrets: Secret[]): AppError {
  const f = classifyError(e, nowMs);
  const message = redact(`HubSpot OAuth token refresh failed: ${f.message}`, secrets);
  if (f.retryable && f.code !== 'CRM_REJECTED' && f.code !== 'CRM_NOT_FOUND') {
    return new AppError(f.code, message, {
      retryable: true,
      ...(f.retryAfterMs !== undefined && { retryAfterMs: f.retryAfterMs }),
    });
  }
  return new AppError('CRM_AUTH', message, { retryable: true });
}
