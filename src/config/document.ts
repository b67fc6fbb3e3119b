// The document a RevOps admin edits: field mappings per CRM object type, and routing.
import { z } from 'zod';
import { mappingSchema } from '../mapping/index.js';
import { routingConfigSchema } from '../routing/index.js';
import type { FieldIssue } from '../errors.js';

export const mappingKey = z.string().regex(/^(hubspot|salesforce|api)\/[A-Za-z0-9_]+$/, 'use "<crm>/<objectType>", e.g. "hubspot/contact"');

export const configDocumentSchema = z.object({
  mappings: z.record(mappingKey, mappingSchema),
  routing: routingConfigSchema,
});
export type ConfigDocument = z.infer<typeof configDocumentSchema>;

export function zodIssues(error: z.ZodError, prefix = ''): FieldIssue[] {
  return error.issues.map((i) => ({
    path: [prefix, ...i.path.map((p, idx) => (typeof p === 'number' ? `[${p}]` : `${idx === 0 && !prefix ? '' : '.'}${String(p)}`))].join('').replace(/^\./, '') || prefix || '(root)',
    message: i.message,
  }));
}

/** Schema validation with a path per error. Never throws. */
export function parseConfigDocument(input: unknown): { ok: true; doc: ConfigDocument } | { ok: false; errors: FieldIssue[] } {
  const parsed = configDocumentSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: zodIssues(parsed.error) };
  return { ok: true, doc: parsed.data };
}
