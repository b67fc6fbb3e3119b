// POST /webhooks/hubspot: HubSpot's webhook batches (a JSON array of events).
// Contract: verify the v3 signature over the RAW body, parse, store every event in one statement,
// then 200. Nothing is written on a bad signature (401) or a body that is not a batch (400: not
// JSON, not an array). One bad item does not refuse the batch: it is stored as `refused` with its
// path and the rest is stored and acked 200, because HubSpot does not retry a 4xx, so a 400
// would lose every good event of the batch with it. The ack never
// waits on routing or on HubSpot: ingestCrmEvents only inserts and enqueues. A redelivery (same
// eventId) is a 200 no-op, so HubSpot's retries are harmless. The ack lists every item's event id
// and lead URL (the first delivery's ids for a redelivery), for people reading HubSpot's logs.
//
// The signature covers the full URL HubSpot called (scheme, host, path, query). Behind a proxy or
// TLS terminator the URL we see differs, so PUBLIC_BASE_URL (e.g. https://leads.example.com) is
// the prefix HubSpot sees and req.url (path + query as received) follows it. Without it, the URL
// is rebuilt from the request's protocol and Host header, which is right only when HubSpot calls
// this process directly.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CrmConnector, InboundRequest } from '../../../connector.js';
import { isAppError } from '../../../errors.js';
import { ingestCrmEvents, recordAccountChangesOf } from '../../../pipeline/index.js';
import type { HttpDeps } from '../../deps.js';
import { leadUrlOf } from '../post-lead.js';
import { described, errorResponses, open } from '../../route-schema.js';
import { ackIdHeaders } from './ack-ids.js';
import { logEventIds } from '../../log-ids.js';
import { hubspotAck, hubspotBody, hubspotHeaders } from './schemas.js';

const schema = {
  tags: ['webhooks'],
  summary:
    'HubSpot webhook batch: every event stored before the 200 (a redelivery writes nothing new); registered when HUBSPOT_CONFIG is set',
  security: open,
  headers: hubspotHeaders,
  body: hubspotBody,
  response: {
    200: described('stored (X-Event-Ids: our ids in batch order)', hubspotAck),
    ...errorResponses(400, 401, 413, 503),
  },
};

export function hubspotWebhook(app: FastifyInstance, deps: HttpDeps): void {
  const connector = deps.pipeline.connectors.hubspot;
  if (!connector) return;
  // Encapsulated: only this route gets the raw-string JSON parser; every other route keeps fastify's.
  app.register(async (scope) => {
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    scope.post('/webhooks/hubspot', { schema }, async (req, reply) => {
      const inbound = toInboundRequest(req, deps.env.PUBLIC_BASE_URL);
      verify(connector, inbound, deps);
      const { events, refused } = connector.parseBatch?.(inbound) ?? {
        events: connector.parseEvents(inbound),
        refused: [],
      };
      const { events: ids, ...stored } = await ingestCrmEvents(deps.pipeline, 'hubspot', events, refused, {
        requestId: req.id,
      }); // durable before the ack
      // Company events keep the account mirror current (docs/accounts.md); stored before the ack too.
      await recordAccountChangesOf(deps.pipeline, connector, inbound);
      logEventIds(
        req,
        ids.map((e) => e.eventId),
      );
      return reply
        .code(200)
        .headers(ackIdHeaders(ids))
        .send({ ok: true, ...stored, events: ids.map((e) => ({ ...e, leadUrl: leadUrlOf(e.eventId) })) });
    });
  });
}

function verify(connector: CrmConnector, inbound: InboundRequest, deps: HttpDeps): void {
  try {
    connector.verifyRequest(inbound, deps.pipeline.now());
  } catch (err) {
    if (isAppError(err)) deps.pipeline.metrics.signatureFailures.inc({ crm: 'hubspot', code: err.code });
    throw err;
  }
}

/** The URL HubSpot signed: PUBLIC_BASE_URL + path and query, else rebuilt from protocol and Host. */
export function signedUrl(
  req: Pick<FastifyRequest, 'url' | 'protocol' | 'host'>,
  publicBaseUrl: string | undefined,
): string {
  const base = publicBaseUrl ? publicBaseUrl.replace(/\/+$/, '') : `${req.protocol}://${req.host}`;
  return base + req.url;
}

function toInboundRequest(req: FastifyRequest, publicBaseUrl: string | undefined): InboundRequest {
  return {
    method: req.method,
    url: signedUrl(req, publicBaseUrl),
    // No body or a body fastify left unparsed (our parser keeps JSON as a string).
    rawBody: typeof req.body === 'string' ? req.body : '',
    headers: req.headers,
  };
}
