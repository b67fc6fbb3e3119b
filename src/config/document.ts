// The document a RevOps admin edits: field mappings per CRM object type, and routing.
// Validation gives every problem its JSON path and a plain reason; a document that fails it
// can never be published, so it can never become active.
import { z } from 'zod';
import { mappingSetSchema, validateMapping } from '../mapping/index.js';
import { routingConfigSchema, validateRoutingConfig } from '../routing/index.js';
import { validateSyncConfig } from '../sync/index.js';
import type { FieldIssue } from '../errors.js';

export const configDocumentSchema = z.strictObject({
  mappings: mappingSetSchema,
  routing: routingConfigSchema,
});
export type ConfigDocument = z.infer<typeof configDocumentSchema>;

/** `routing.rules[3].action.pool` style paths. */
export function issuePath(path: ReadonlyArray<PropertyKey>, prefix = ''): string {
  const s = path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), prefix);
  return s || '(root)';
}

export function zodIssues(error: z.ZodError, prefix = ''): FieldIssue[] {
  return error.issues.map((i) => ({ path: issuePath(i.path, prefix), message: i.message }));
}

/** Schema, then references, duplicates, regexes and rules that can never fire. Never throws. */
export function parseConfigDocument(input: unknown): { ok: true; doc: ConfigDocument } | { ok: false; errors: FieldIssue[] } {
  const parsed = configDocumentSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: zodIssues(parsed.error) };
  const doc = parsed.data;
  const errors: FieldIssue[] = [
    ...Object.entries(doc.mappings).flatMap(([key, m]) => validateMapping(m, `mappings["${key}"]`)),
    ...validateRoutingConfig(doc.routing, 'routing'),
    ...validateSyncConfig(doc.routing, 'routing'),
  ];
  return errors.length ? { ok: false, errors } : { ok: true, doc };
}
