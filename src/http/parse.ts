import type { FastifySchemaCompiler, FastifySerializerCompiler } from 'fastify';
import type { z } from 'zod';
import { zodIssues } from '../config/index.js';
import { errors, fieldPath } from '../errors.js';
import { findUnstorable } from '../storable-text.js';

/**
 * Parses request input with zod; a failure is a 400 naming every bad field as `body.lead.email`.
 * Before zod, the raw input is scanned once for what Postgres cannot store (a NUL, a lone
 * surrogate, nesting past 64 levels), in every string and key, including the parts a schema
 * leaves open (a config document, custom fields): the one place our JSON APIs refuse them.
 */
export function parseInput<T extends z.ZodType>(
  schema: T,
  value: unknown,
  prefix: 'body' | 'query' | 'params' | 'headers',
): z.infer<T> {
  const unstorable = findUnstorable(value);
  if (unstorable.length > 0)
    throw errors.validation(unstorable.map((i) => ({ path: fieldPath(i.path, prefix), message: i.message })));
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  // An unknown key is named at its own path (body.draftid), not at its parent's.
  throw errors.validation(zodIssues(r.error, prefix, schema));
}

const documentationOnly = new WeakSet<object>();

/**
 * Marks a schema as the OpenAPI document's only: the validator lets that part through untouched
 * because the route reads it itself (a webhook's raw body, whose signature covers its exact
 * bytes; signature headers the connector checks with its own 401s). Returns the same schema.
 */
export function documentedOnly<T extends z.ZodType>(schema: T): T {
  documentationOnly.add(schema);
  return schema;
}

const prefixOf = { body: 'body', querystring: 'query', params: 'params', headers: 'headers' } as const;

/**
 * Fastify's validator for every route's `schema.body/querystring/params/headers` (zod schemas,
 * typed by fastify-type-provider-zod): parseInput, so a bad request answers the same coded 400
 * (`{ code: 'VALIDATION_FAILED', message, errors: [{ path: 'body.lead.email', message }] }`)
 * through the app's error handler as it did when handlers called parseInput themselves. The
 * provider's own compiler is not used: its errors lose the unstorable-string check, the path
 * spelling and the unknown-key names of zodIssues.
 */
export const validatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema, httpPart }) => {
  if (documentationOnly.has(schema)) return (data) => ({ value: data });
  const prefix = prefixOf[(httpPart ?? 'body') as keyof typeof prefixOf] ?? 'body';
  return (data) => {
    // Fastify hands a missing body over as null; the schemas say `optional()` for "no body".
    const input = prefix === 'body' && data === null ? undefined : data;
    try {
      return { value: parseInput(schema, input, prefix) };
    } catch (error) {
      return { error: error as Error };
    }
  };
};

/**
 * Response schemas document the answers; they do not gate them. A view that grew a field is
 * sent as it is (JSON.stringify, as before schemas existed), not turned into a 500.
 */
export const serializerCompiler: FastifySerializerCompiler<unknown> = () => (data) => JSON.stringify(data);
