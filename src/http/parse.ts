import type { z } from 'zod';
import { errors, fieldPath, type FieldIssue } from '../errors.js';

/** Parses request input with zod; a failure is a 400 naming every bad field as `body.lead.email`. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, prefix: 'body' | 'query' | 'params'): z.infer<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues: FieldIssue[] = r.error.issues.map((i) => ({ path: fieldPath(i.path, prefix), message: i.message }));
  throw errors.validation(issues);
}
