// Where `lead-router config` (and `replay`) sends a change: to the running service's admin API when there is
// one, so "it is now active" is true the moment the command returns (the service's config
// cache is invalidated by its own publish); otherwise straight to the database.
//
//   --url / LEAD_ROUTER_URL               that service, token from LEAD_ROUTER_ADMIN_TOKEN
//   embedded, a `serve` holds DATA_DIR    that service (URL from the folder's lock), token from
//                                         LEAD_ROUTER_ADMIN_TOKEN or the folder's development token
//   otherwise                             the database (DATABASE_URL, or DATA_DIR when no one holds it)
import { readDataDirLock } from './db/index.js';
import { readDevAdminToken } from './embedded-dev.js';
import { AppError, errorTable, type ErrorCode, type FieldIssue } from './errors.js';
import type { ConfigChange, Env } from './config/index.js';

export interface AdminTarget {
  url: string;
  token?: string;
  /** How the target was found, for the command's output. */
  found: 'flag' | 'env' | 'data folder';
}

/** The running service to talk to, or undefined to use the database directly. */
export function adminTarget(env: Env, urlFlag: string | undefined): AdminTarget | undefined {
  const token = env.LEAD_ROUTER_ADMIN_TOKEN?.reveal();
  const withToken = (t: Omit<AdminTarget, 'token'>, fallback?: string): AdminTarget => ({
    ...t,
    ...((token ?? fallback) !== undefined && { token: token ?? fallback }),
  });
  if (urlFlag) return withToken({ url: urlFlag.replace(/\/+$/, ''), found: 'flag' });
  if (env.LEAD_ROUTER_URL) return withToken({ url: env.LEAD_ROUTER_URL.replace(/\/+$/, ''), found: 'env' });
  if (env.DATABASE_URL) return undefined; // Postgres: many processes share it; the others see a change within 1 s
  const holder = readDataDirLock(env.DATA_DIR);
  // A live holder that is not serving (migrate, another config command) is refused by the
  // folder's lock when the database is opened, with its pid in the message.
  if (!holder?.url) return undefined;
  return withToken({ url: holder.url, found: 'data folder' }, readDevAdminToken(env.DATA_DIR));
}

interface ErrorBody {
  code?: string;
  message?: string;
  errors?: FieldIssue[];
}

/** One admin API call; a non-2xx answer becomes the AppError the server sent (code, message, field issues). */
export async function callAdmin(
  target: AdminTarget,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(`${target.url}${path}`, {
      method,
      headers: {
        ...(target.token && { 'x-admin-token': target.token }),
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    throw new Error(
      `could not reach the service at ${target.url} (${target.found === 'data folder' ? 'found in the data folder lock' : `from ${target.found === 'flag' ? '--url' : 'LEAD_ROUTER_URL'}`}): ${(err as Error).message}`,
    );
  }
  if (res.ok) return res;
  const text = await res.text();
  let parsed: ErrorBody = {};
  try {
    parsed = JSON.parse(text) as ErrorBody;
  } catch {
    // not our error body (a proxy's page): the status says enough
  }
  let message = parsed.message ?? `HTTP ${res.status} from ${target.url}${path}`;
  if (res.status === 401 && !target.token) message += '; set LEAD_ROUTER_ADMIN_TOKEN to an editor token';
  // A code this CLI does not know (a newer server) reads as INTERNAL: its status comes from the table.
  const code =
    parsed.code !== undefined && Object.hasOwn(errorTable, parsed.code) ? (parsed.code as ErrorCode) : 'INTERNAL';
  throw new AppError(code, message, parsed.errors ? { errors: parsed.errors } : undefined);
}

export function remoteConfigAdmin(target: AdminTarget) {
  return {
    async publish(input: {
      document: unknown;
      message: string;
      author: string;
    }): Promise<{ version: number; diff: { against: number | null; changes: unknown[] }; warnings?: FieldIssue[] }> {
      return (await callAdmin(target, 'POST', '/v1/admin/config/publish', input)).json() as never;
    },
    async rollback(input: {
      version: number;
      message?: string;
    }): Promise<{ version: number; previousVersion: number | null; changed: boolean }> {
      return (await callAdmin(target, 'POST', '/v1/admin/config/rollback', input)).json() as never;
    },
    async exportConfig(opts: { version?: number; format: 'yaml' | 'json' }): Promise<{ text: string }> {
      const q = new URLSearchParams({
        format: opts.format,
        ...(opts.version !== undefined && { version: String(opts.version) }),
      });
      return { text: await (await callAdmin(target, 'GET', `/v1/admin/config/export?${q}`)).text() };
    },
    async diff(from: number, to: number): Promise<{ from: number; to: number; changes: ConfigChange[] }> {
      return (await callAdmin(target, 'GET', `/v1/admin/config/diff?from=${from}&to=${to}`)).json() as never;
    },
  };
}
