import type { z } from 'zod';
import { errors, type FieldIssue } from '../errors.js';

function issuePath(prefix: string, path: PropertyKey[]): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : `${acc}.${String(p)}`), prefix);
}

/** Parses request input with zod; a failure is a 400 naming every bad field as `body.lead.email`. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, prefix: 'body' | 'query' | 'params'): z.infer<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues: FieldIssue[] = r.error.issues.map((i) => ({ path: issuePath(prefix, i.path), message: i.message }));
  throw errors.validation(issues);
}
