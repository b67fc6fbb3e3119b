// POST /webhooks/salesforce/:token: Salesforce outbound messages (SOAP 1.1, up to 100 notifications).
// Contract: every notification is stored (unique on its Notification Id) before the SOAP Ack goes
// out, because only HTTP 200 with <Ack>true</Ack> ends Salesforce's redelivery (up to 24 h); a
// redelivery of a stored message is acked again and writes nothing new. Anything refused (wrong
// token or org, malformed or hostile XML) is answered with a SOAP Client fault and a 4xx, and
// nothing is written; only our own failure (the database) is a Server fault. One bad
// notification does not refuse the message: it is stored as `refused` and the rest is acked.
// The route lives in its own plugin so its XML body parser and SOAP error answers stay here.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CrmConnector } from '../../../connector.js';
import { AppError, errors, isAppError } from '../../../errors.js';
import { ingestCrmEvents } from '../../../pipeline/index.js';
import type { HttpDeps } from '../../deps.js';
import { asServiceUnavailable, retryAfterSeconds } from '../../error-handler.js';
import { open } from '../../route-schema.js';
import { ackIdHeaders } from './ack-ids.js';
import { logEventIds } from '../../log-ids.js';
import { salesforceBody, salesforceParams, soapAnswer } from './schemas.js';

const XML_TYPES = ['text/xml', 'application/soap+xml'];

const schema = {
  tags: ['webhooks'],
  summary:
    'Salesforce outbound message (SOAP): every notification stored before the Ack; registered when SALESFORCE_CONFIG is set',
  security: open,
  consumes: XML_TYPES,
  params: salesforceParams,
  body: salesforceBody,
  response: {
    200: soapAnswer('stored: <Ack>true</Ack> (X-Event-Ids: our ids in order)'),
    400: soapAnswer('malformed or hostile XML: a SOAP Client fault (VALIDATION_FAILED); nothing stored'),
    401: soapAnswer('wrong token or organization: a SOAP Client fault'),
    413: soapAnswer('body over the limit: a SOAP Client fault'),
    415: soapAnswer('not XML: a SOAP Client fault'),
    500: soapAnswer('not stored: a SOAP Server fault; Salesforce redelivers'),
    503: soapAnswer('the database is not reachable: a SOAP fault with Retry-After; Salesforce redelivers'),
  },
};

/** POST /webhooks/salesforce/:token, registered only when the Salesforce connector is configured. */
export function salesforceWebhook(app: FastifyInstance, deps: HttpDeps): void {
  const connector = deps.pipeline.connectors.salesforce;
  if (!connector) return;
  void app.register(async (scope) => {
    // Only XML reaches this route; JSON and the rest get a 415 fault naming what to send.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(XML_TYPES, { parseAs: 'string' }, (_req, body, done) => done(null, body));
    scope.setErrorHandler((err, req, reply) =>
      sendFault(connector, req, reply, asAppError(err, req, deps.env.BODY_LIMIT_BYTES)),
    );
    scope.post<{ Params: { token: string } }>('/webhooks/salesforce/:token', { schema }, async (req, reply) =>
      receive(connector, deps, req, reply),
    );
  });
}

async function receive(
  connector: CrmConnector,
  deps: HttpDeps,
  req: FastifyRequest<{ Params: { token: string } }>,
  reply: FastifyReply,
) {
  const inbound = {
    method: req.method,
    // The path holds the secret token: this URL is handed to the connector and never logged.
    url: `${deps.env.PUBLIC_BASE_URL ?? `${req.protocol}://${req.host}`}${req.url}`,
    rawBody: typeof req.body === 'string' ? req.body : '',
    headers: req.headers,
    params: { token: req.params.token },
  };
  try {
    connector.verifyRequest(inbound, deps.pipeline.now());
  } catch (err) {
    // A malformed body is reported by verifyRequest too (it reads OrganizationId); that is not a forgery.
    if (isAppError(err) && err.code !== 'VALIDATION_FAILED')
      deps.pipeline.metrics.signatureFailures.inc({ crm: 'salesforce', code: err.code });
    throw err;
  }
  const { events, refused } = connector.parseBatch?.(inbound) ?? {
    events: connector.parseEvents(inbound),
    refused: [],
  };
  const { events: ids, ...stored } = await ingestCrmEvents(deps.pipeline, 'salesforce', events, refused, {
    requestId: req.id,
  });
  logEventIds(
    req,
    ids.map((e) => e.eventId),
  );
  req.log.info({ notifications: events.length + refused.length, ...stored }, 'salesforce outbound message stored');
  const ack = connector.ackResponse?.(events) ?? { status: 200, contentType: 'application/json', body: '{"ok":true}' };
  // The SOAP body is exactly what Salesforce expects; our ids travel in headers only.
  return reply.code(ack.status).headers(ackIdHeaders(ids)).type(ack.contentType).send(ack.body);
}

/** Fastify's own refusals (size, media type, framing) as coded 4xx errors, so they get a Client fault. */
function asAppError(err: unknown, req: FastifyRequest, bodyLimitBytes: number): unknown {
  if (isAppError(err)) return err;
  const unavailable = asServiceUnavailable(err);
  if (unavailable) return unavailable;
  const { code, statusCode, message } = err as { code?: string; statusCode?: number; message?: string };
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return errors.bodyTooLarge(bodyLimitBytes);
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    const type = req.headers['content-type'] ?? '(none)';
    return errors.unsupportedMediaType(type, 'text/xml');
  }
  if (statusCode !== undefined && statusCode >= 400 && statusCode < 500)
    return errors.validation([{ path: 'body', message: message ?? 'unreadable' }]);
  return err;
}

function sendFault(connector: CrmConnector, req: FastifyRequest, reply: FastifyReply, err: unknown) {
  if (!connector.errorResponse) throw err; // the app's JSON error handler answers instead
  const fault = connector.errorResponse(err);
  if (fault.status < 500)
    req.log.info({ code: (err as AppError).code, status: fault.status }, (err as AppError).message);
  else if (fault.status === 503) {
    req.log.warn({ code: (err as AppError).code, status: fault.status }, (err as AppError).message);
    reply.header('retry-after', String(retryAfterSeconds));
  } else req.log.error({ err }, 'salesforce outbound message not stored');
  return reply.code(fault.status).type(fault.contentType).send(fault.body);
}
