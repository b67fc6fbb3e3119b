// What every route declares besides its input: its answers and who may call it, for the one
// OpenAPI document (src/http/openapi.ts). The pattern for a route, new or old:
//
//   app.withTypeProvider<ApiTypes>().post('/v1/things', {
//     schema: { tags: ['things'], summary: '…', security: adminToken, body: thingBody,
//               response: { 201: thingView, ...errorResponses(400, 401, 403) } },
//   }, async (req) => …req.body is thingBody's output, already validated…);
//
// test/integration/openapi.test.ts fails for a route that declares no schema/response.
import type { FastifyTypeProvider } from 'fastify';
import { z } from 'zod';

/**
 * The routes' type provider: as fastify-type-provider-zod's ZodTypeProvider for requests
 * (`req.body`, `req.query`, `req.params` are the schemas' parsed output), but replies are not
 * typed from the response schemas: those document the views' main fields (loose objects), while
 * the views' own types (src/pipeline/) stay the reference for what is sent.
 */
export interface ApiTypes extends FastifyTypeProvider {
  validator: this['schema'] extends z.ZodType ? z.output<this['schema']> : unknown;
  serializer: unknown;
}

/** The error body of src/errors.ts as the app's error handler sends it (docs/errors.md). */
export const errorBody = z
  .object({
    code: z.string().describe('a stable code from docs/errors.md, e.g. VALIDATION_FAILED'),
    message: z.string(),
    errors: z
      .array(
        z.object({
          path: z
            .string()
            .describe('the bad field, e.g. body.lead.email, query.limit, routing.rules[id=emea].action.pool'),
          message: z.string(),
          line: z.number().int().optional().describe('the line of the input file, when the input was one'),
        }),
      )
      .optional(),
  })
  .meta({ id: 'Error' });

const errorMeaning = {
  400: 'Invalid request (VALIDATION_FAILED, MALFORMED_JSON): `errors[].path` names each bad field; nothing was written',
  401: 'Missing or wrong credentials (UNAUTHORIZED; SIGNATURE_* on webhooks)',
  403: 'The token is valid but may not do this (FORBIDDEN: a viewer token asking to write)',
  404: 'Not found (NOT_FOUND, CONFIG_NOT_FOUND)',
  409: 'Conflicts with the current state (CONFLICT)',
  413: 'Body over the limit (BODY_TOO_LARGE)',
  415: 'Content type not accepted (UNSUPPORTED_MEDIA_TYPE)',
  422: 'Understood but refused (CONFIG_INVALID, CONFIG_REFERENCE_MISSING)',
  503: 'A dependency is not reachable or the service is stopping (NOT_READY); retry after Retry-After seconds',
} as const;

export type ErrorStatus = keyof typeof errorMeaning;

/** `{ 400: …, 401: … }` for a route's `response`, each the shared error body with its meaning. */
export function errorResponses<S extends ErrorStatus>(
  ...statuses: S[]
): Record<S, { description: string; content: { 'application/json': { schema: typeof errorBody } } }> {
  return Object.fromEntries(
    statuses.map((s) => [s, { description: errorMeaning[s], content: { 'application/json': { schema: errorBody } } }]),
  ) as never;
}

/** A response described by a schema, with a description for the document. */
export function described<T extends z.ZodType>(description: string, schema: T, contentType = 'application/json') {
  return { description, content: { [contentType]: { schema } } };
}

/** `security` of a route: an admin token (viewer or editor) in x-admin-token or as a Bearer token. */
export type Security = Array<Record<string, string[]>>;
export const adminToken: Security = [{ adminToken: [] }, { bearer: [] }];
/** `security` of a route: an intake API key in x-api-key or as a Bearer token. */
export const intakeKey: Security = [{ apiKey: [] }, { bearer: [] }];
/** `security` of a claim: an intake API key or an admin editor token. */
export const intakeKeyOrAdminToken: Security = [{ apiKey: [] }, { adminToken: [] }, { bearer: [] }];
/** A route anyone may call (health, metrics; webhooks prove themselves by signature). */
export const open: Security = [];
