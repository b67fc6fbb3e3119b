// The document a RevOps admin edits: field mappings per CRM object type, and routing.
// Validation gives every problem its JSON path and a plain reason; a document that fails it
// can never be published, so it can never become active.
import { z } from 'zod';
import { mappingSetSchema, validateMapping } from '../mapping/index.js';
import { routingConfigSchema, validateRoutingConfig } from '../routing/index.js';
import { validateSyncConfig } from '../sync/index.js';
import { fieldPath, type FieldIssue } from '../errors.js';

export const configDocumentSchema = z.strictObject({
  mappings: mappingSetSchema,
  routing: routingConfigSchema,
});
export type ConfigDocument = z.infer<typeof configDocumentSchema>;

export function zodIssues(error: z.ZodError, prefix = ''): FieldIssue[] {
  return error.issues.map((i) => ({ path: fieldPath(i.path, prefix) || '(root)', message: i.message }));
}

/** Schema, then references, duplicates, regexes and rules that can never fire. Never throws. */
export function parseConfigDocument(input: unknown): { ok: true; doc: ConfigDocument } | { ok: false; errors: FieldIssue[] } {
  const parsed = configDocumentSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: zodIssues(parsed.error) };
  const doc = parsed.data;
  const errors: FieldIssue[] = [
    ...Object.entries(doc.mappings).flatMap(([key, m]) => validateMapping(m, fieldPath(['mappings', key]))),
    // API leads have no CRM record: their owner "write" is a log line, so there is no field to set.
    ...Object.entries(doc.mappings).flatMap(([key, m]) =>
      key.startsWith('api/') && m.reasonField !== undefined ? [{ path: fieldPath(['mappings', key, 'reasonField']), message: 'API leads have no CRM record to write a reason to; set reasonField on a hubspot/* or salesforce/* mapping' }] : [],
    ),
    ...validateRoutingConfig(doc.routing, 'routing'),
    ...validateSyncConfig(doc.routing, 'routing'),
  ];
  return errors.length ? { ok: false, errors } : { ok: true, doc };
}
