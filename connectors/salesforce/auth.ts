// One jsforce Connection per connector, with the session obtained lazily and renewed by jsforce
// itself: on a 401 jsforce calls our refreshFn once and replays the request.
// Credentials stay in Secret values and are revealed only into the token request body. Every
// token the session obtains (access tokens = session ids, refresh tokens) joins secrets() the
// moment it arrives and stays there after it is replaced, so no error text can quote one.
// The connection sends through our transport (transport.ts): timeouts, no hidden retries.
import { createSign } from 'node:crypto';
import { Connection } from 'jsforce';
import { resolveLoginUrl, type SalesforceConfig } from './config.js';
import { Secret } from './secret.js';
import { installTransport } from './transport.js';

export interface Session {
  /** The connection; usable once ensure() resolved. */
  readonly conn: Connection;
  /** Obtains the first access token if there is none yet (one in-flight token request at most). */
  ensure(): Promise<Connection>;
  /** Tokens obtained at run time (not the config's own secrets), newest last. */
  obtainedSecrets(): readonly Secret[];
}

// Sessions last hours; 100 remembered tokens is days of refreshes.
const maxRemembered = 100;

export interface AuthDeps {
  now: () => Date;
}

const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export function createSession(config: SalesforceConfig, deps: AuthDeps): Session {
  const loginUrl = resolveLoginUrl(config.loginUrl);
  // Connection-level callOptions win over a per-request Sforce-Call-Options header in jsforce
  // (HttpApi.beforeSend overwrites it), so the client id is set here, once.
  const base = { version: config.apiVersion, loginUrl, callOptions: { client: config.callOptionsClient } };
  const auth = config.auth;
  const timeouts = { connectTimeoutMs: config.connectTimeoutMs, requestTimeoutMs: config.requestTimeoutMs };

  if (auth.kind === 'access_token') {
    const conn = new Connection({ ...base, instanceUrl: config.instanceUrl, accessToken: auth.accessToken.reveal() });
    installTransport(conn, timeouts);
    return { conn, ensure: async () => conn, obtainedSecrets: () => [] };
  }

  const obtained: Secret[] = [];
  const remember = (c: Connection) => {
    for (const value of [c.accessToken, c.refreshToken]) {
      if (!value || obtained.some((s) => s.reveal() === value)) continue;
      obtained.push(new Secret(value));
      if (obtained.length > maxRemembered) obtained.shift();
    }
  };

  const grant = (): { grant_type: string; [name: string]: string } =>
    auth.kind === 'refresh_token'
      ? { grant_type: 'refresh_token', refresh_token: auth.refreshToken.reveal() }
      : {
          grant_type: JWT_GRANT,
          assertion: signJwt(auth.clientId, auth.username, loginUrl, auth.privateKey, deps.now()),
        };

  const conn: Connection = new Connection({
    ...base,
    ...(config.instanceUrl ? { instanceUrl: config.instanceUrl } : {}),
    oauth2: {
      loginUrl,
      clientId: auth.clientId,
      ...(auth.kind === 'refresh_token' ? { clientSecret: auth.clientSecret.reveal() } : {}),
    },
    // authorize() posts the grant to <loginUrl>/services/oauth2/token and adopts instance_url.
    refreshFn: (c, callback) => {
      c.authorize(grant()).then(
        () => {
          remember(c);
          callback(undefined, c.accessToken ?? undefined);
        },
        (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
      );
    },
  });
  installTransport(conn, timeouts);

  let pending: Promise<Connection> | undefined;
  const ensure = (): Promise<Connection> => {
    if (conn.accessToken) return Promise.resolve(conn);
    pending ??= conn
      .authorize(grant())
      .then(() => {
        remember(conn);
        return conn;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
  return { conn, ensure, obtainedSecrets: () => obtained };
}

/**
 * OAuth 2.0 JWT bearer assertion (RS256), as Salesforce's "JWT Bearer Flow" specifies:
 * iss = connected app consumer key, sub = username, aud = the login host, exp within 3 minutes.
 */
export function signJwt(clientId: string, username: string, audience: string, privateKey: Secret, now: Date): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const exp = Math.floor(now.getTime() / 1000) + 180;
  const input = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ iss: clientId, sub: username, aud: audience, exp })}`;
  const signature = createSign('RSA-SHA256').update(input).sign(privateKey.reveal()).toString('base64url');
  return `${input}.${signature}`;
}
