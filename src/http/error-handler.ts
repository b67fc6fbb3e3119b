import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, errors, isAppError } from '../errors.js';

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
  if (err instanceof SyntaxError || (err.statusCode === 400 && /JSON/i.test(err.message))) return errors.malformedJson(err.message);
  return undefined;
}

export function installErrorHandler(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const known = isAppError(err) ? err : fromFastify(err, req.headers['content-type'], bodyLimit);
    if (known && known.status < 500) {
      req.log.info({ code: known.code, status: known.status }, known.message);
      return reply.code(known.status).send({ code: known.code, message: known.message, ...(known.details?.errors ? { errors: known.details.errors } : {}) });
    }
    if (known) {
      req.log.warn({ code: known.code, status: known.status }, known.message);
      return reply.code(known.status).send({ code: known.code, message: known.message });
    }
    req.log.error({ err }, 'request failed');
    return reply.code(500).send({ code: 'INTERNAL', requestId: req.id });
  });
  app.setNotFoundHandler((req, reply) => {
    const e = errors.notFound(`${req.method} ${req.url.split('?')[0]}`);
    return reply.code(404).send({ code: e.code, message: e.message });
  });
}
