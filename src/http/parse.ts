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
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, prefix: 'body' | 'query' | 'params'): z.infer<T> {
  const unstorable = findUnstorable(value);
  if (unstorable.length > 0) throw errors.validation(unstorable.map((i) => ({ path: fieldPath(i.path, prefix), message: i.message })));
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  // An unknown key is named at its own path (body.draftid), not at its parent's.
  throw errors.validation(zodIssues(r.error, prefix, schema));
}
