import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, errors, isAppError } from '../errors.js';
import { isDatabaseUnavailable } from '../db/index.js';
import { redactUrl } from '../redact.js';

/**
 * Seconds a client is asked to wait on a 503 (Retry-After). A Postgres restart or failover takes
 * seconds; a client that honours it comes back about when the pool has reconnected.
 */
export const retryAfterSeconds = 5;

/**
 * An error that means "not now" rather than "never": the database is restarting or unreachable.
 * Answered 503 NOT_READY with Retry-After, never 500, so CRMs and API clients retry (exported so
 * a route with its own error answers, such as the Salesforce SOAP faults, can map it the same way).
 */
export function asServiceUnavailable(err: unknown): AppError | undefined {
  return isDatabaseUnavailable(err) ? errors.notReady('the database') : undefined;
}

/** Fastify's own 4xx (body parsing, size, media type) as our coded errors. */
function fromFastify(err: FastifyError, contentType: string | undefined, bodyLimit: number): AppError | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return errors.bodyTooLarge(bodyLimit);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return errors.unsupportedMediaType(contentType ?? '(none)');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return errors.malformedJson('the body is empty');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return errors.malformedJson(err.message);
  }
  // The connection closed while the body was arriving (the client left, or a shutdown closed a
  // slow body): the caller's doing, logged at info; nobody is left to read the answer.
  if (err.code === 'ECONNRESET' && err.message === 'aborted')
    return errors.validation([{ path: 'body', message: 'the connection closed before the body arrived' }]);
  if (err instanceof SyntaxError || (err.statusCode === 400 && /JSON/i.test(err.message)))
    return errors.malformedJson(err.message);
  return undefined;
}

/**
 * The router's own refusals, made before any route or error handler runs: a percent-escape that
 * is not UTF-8 (`/v1/leads/%zz`), a path segment past fastify's 100 characters. Answered in our
 * shape (fastify's default echoes the path, which may hold a Salesforce outbound token).
 * Passed to Fastify as `frameworkErrors`.
 */
export function frameworkErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  const e =
    err.code === 'FST_ERR_BAD_URL'
      ? errors.validation([{ path: 'url', message: 'is not a valid URL: a percent-escape does not decode to UTF-8' }])
      : err.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? errors.validation([{ path: 'params', message: 'a path segment is longer than 100 characters' }])
        : undefined;
  if (!e) {
    req.log.error({ err }, 'request failed');
    void reply.code(500).send({ code: 'INTERNAL', requestId: req.id });
    return;
  }
  req.log.info({ code: e.code, status: e.status, reason: err.code }, e.message);
  void reply.code(e.status).send({ code: e.code, message: e.message, errors: e.details?.errors });
}

export function installErrorHandler(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const known = isAppError(err)
      ? err
      : (asServiceUnavailable(err) ?? fromFastify(err, req.headers['content-type'], bodyLimit));
    if (known && known.status < 500) {
      req.log.info({ code: known.code, status: known.status }, known.message);
      return reply.code(known.status).send({
        code: known.code,
        message: known.message,
        ...(known.details?.errors ? { errors: known.details.errors } : {}),
      });
    }
    if (known) {
      req.log.warn(
        { code: known.code, status: known.status, cause: known === err ? undefined : causeOf(err) },
        known.message,
      );
      if (known.status === 503) reply.header('retry-after', String(retryAfterOf(known)));
      return reply.code(known.status).send({ code: known.code, message: known.message });
    }
    req.log.error({ err }, 'request failed');
    return reply.code(500).send({ code: 'INTERNAL', requestId: req.id });
  });
  app.setNotFoundHandler((req, reply) => {
    // The path may hold a token (a mistyped Salesforce outbound URL): never echo it.
    const e = errors.notFound(`${req.method} ${redactUrl(req.url.split('?')[0]!)}`);
    return reply.code(404).send({ code: e.code, message: e.message });
  });
}

/** A CRM's own wait (a rate limit's Retry-After, in `details.retryAfterMs`) when it is longer than ours. */
function retryAfterOf(e: AppError): number {
  const ms = e.details?.retryAfterMs;
  return typeof ms === 'number' && Number.isFinite(ms)
    ? Math.max(retryAfterSeconds, Math.ceil(ms / 1000))
    : retryAfterSeconds;
}

/** The innermost message of a wrapped error (drizzle wraps pg's), for the log line. */
function causeOf(err: unknown): string | undefined {
  let e = err as { message?: unknown; cause?: unknown } | undefined;
  for (let i = 0; i < 5 && e && typeof e === 'object' && e.cause; i++) e = e.cause as typeof e;
  return typeof e?.message === 'string' ? e.message : undefined;
}
