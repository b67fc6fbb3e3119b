// Which database errors mean "the database is not reachable right now" (a restart, a failover,
// a full connection table) rather than "this statement is wrong". The HTTP layer answers the
// first kind 503 with Retry-After, like /readyz, because the caller's retry will succeed once the
// server is back (the pool reconnects on its own); the second kind stays a 500.
// What pg and PGlite throw is only known here, next to the clients (client.ts).

/** Socket-level failures while connecting or mid-query (node's codes, as pg surfaces them). */
const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
]);

/**
 * SQLSTATEs of a server that is going away or not yet back (https://www.postgresql.org/docs/current/errcodes-appendix.html):
 * 57P01 admin_shutdown (pg_ctl stop -m fast), 57P02 crash_shutdown, 57P03 cannot_connect_now
 * (starting up, recovering), 53300 too_many_connections. Class 08 (connection exception) by prefix.
 */
const serverCodes = new Set(['57P01', '57P02', '57P03', '53300']);

/** pg and PGlite say some of it only in words. */
const messages = [
  /Connection terminated/i, // pg: the socket closed under a query
  /timeout exceeded when trying to connect/i, // pg.Pool: connectionTimeoutMillis passed
  /Client has encountered a connection error/i,
  /Cannot use a pool after calling end/i, // shutting down
  /PGlite is closed/i,
];

/**
 * True when `err` (or an error it wraps: drizzle's DrizzleQueryError, an AggregateError) is a
 * connection-class failure of the database. A bare socket code (ECONNRESET) counts only under a
 * failed query or on a connect attempt: a client aborting its own request body carries
 * ECONNRESET too, and that is not the database's doing.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  return check(err, false, 0);
}

function check(err: unknown, underQuery: boolean, depth: number): boolean {
  if (!err || typeof err !== 'object' || depth > 5) return false;
  const e = err as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
    query?: unknown;
    syscall?: unknown;
  };
  const inQuery = underQuery || typeof e.query === 'string'; // DrizzleQueryError carries the failed statement
  if (typeof e.code === 'string') {
    if (serverCodes.has(e.code) || /^08[0-9A-Z]{3}$/.test(e.code)) return true;
    if (networkCodes.has(e.code) && (inQuery || e.syscall === 'connect')) return true;
  }
  if (typeof e.message === 'string' && messages.some((m) => m.test(e.message as string))) return true;
  if (Array.isArray(e.errors) && e.errors.some((x) => check(x, inQuery, depth + 1))) return true;
  return check(e.cause, inQuery, depth + 1);
}
