// The webhooks' inputs and answers, for the OpenAPI document. Both bodies are read raw by the
// route (a signature covers HubSpot's exact bytes; Salesforce's SOAP is parsed by the connector),
// so they are documentedOnly: the connector, not the validator, judges them.
import { z } from 'zod';
import { documentedOnly } from '../../parse.js';

export const hubspotHeaders = documentedOnly(
  z.object({
    'x-hubspot-signature-v3': z
      .string()
      .optional()
      .describe(
        'v3 signature (HMAC-SHA256 of method, URL, body, timestamp); 401 SIGNATURE_* when missing, wrong or stale',
      ),
    'x-hubspot-request-timestamp': z
      .string()
      .optional()
      .describe('milliseconds since the epoch; with v3, older than 5 minutes is SIGNATURE_STALE'),
    'x-hubspot-signature': z.string().optional().describe('v1/v2 signature, when the app is configured to accept them'),
    'x-hubspot-signature-version': z.string().optional(),
  }),
);

export const hubspotBody = documentedOnly(
  z
    .array(
      z.looseObject({
        eventId: z.union([z.number(), z.string()]),
        subscriptionType: z.string().describe('e.g. contact.creation, contact.propertyChange'),
        objectId: z.union([z.number(), z.string()]),
        occurredAt: z.number().optional(),
        propertyName: z.string().optional(),
        propertyValue: z.string().optional(),
      }),
    )
    .describe('a HubSpot webhook batch (docs/connectors-hubspot.md)'),
);

export const hubspotAck = z.object({
  ok: z.literal(true),
  stored: z.number().int(),
  duplicates: z.number().int(),
  refused: z.number().int(),
  events: z
    .array(z.object({ sourceEventId: z.string(), eventId: z.uuid(), leadUrl: z.string() }))
    .describe('every item in batch order with our event id (GET /v1/leads/:id takes it); also in X-Event-Ids'),
});

export const salesforceParams = z.object({
  token: z.string().describe('the secret path token the outbound message was configured with'),
});

export const salesforceBody = documentedOnly(
  z.string().describe('a SOAP 1.1 outbound message of up to 100 notifications (docs/connectors-salesforce.md)'),
);

const soap = z.string().describe('SOAP envelope');
export const soapAnswer = (description: string) => ({ description, content: { 'text/xml': { schema: soap } } });
