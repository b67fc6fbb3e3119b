// Request shapes of the admin API, declared on the routes: they validate (src/http/parse.ts:
// 400 naming the field) and document the routes (src/http/openapi.ts).
import { z } from 'zod';

const version = z.coerce.number().int().positive();
const message = z.string().trim().min(1).max(2000);
const name = z.string().trim().min(1).max(200);
/** The config document is checked by validation (with document paths), not here. */
const document = z
  .record(z.string(), z.unknown())
  .describe('a config document: { mappings, routing } (see docs/config.md)');

export const versionParams = z.strictObject({ version });
export const draftParams = z.strictObject({ id: z.uuid() });

export const listQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) });
export const diffQuery = z.strictObject({
  from: version,
  /** Default: the active version. */
  to: version.optional(),
});
export const exportQuery = z.strictObject({
  /** Default: the active version. */
  version: version.optional(),
  format: z.enum(['yaml', 'json']).default('yaml'),
});

const source = (v: { document?: unknown; draftId?: string }, ctx: z.RefinementCtx) => {
  if ((v.document === undefined) === (v.draftId === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['document'], message: 'send exactly one of document or draftId' });
  }
};

export const validateBody = z
  .strictObject({ document: document.optional(), draftId: z.uuid().optional() })
  .superRefine(source);

export const publishBody = z
  .strictObject({
    document: document.optional(),
    draftId: z.uuid().optional(),
    message,
    /** A display name stored with the token's identity ("Ana via editor:1a2b3c4d"). */
    author: name.optional(),
    /** Refuse (409) if another version was published since this one. */
    baseVersion: z.number().int().positive().optional(),
  })
  .superRefine(source);

export const rollbackBody = z.strictObject({ version: z.number().int().positive(), message: message.optional() });

export const createDraftBody = z.strictObject({ name, document });
export const updateDraftBody = z
  .strictObject({ name: name.optional(), document: document.optional() })
  .refine((v) => v.name !== undefined || v.document !== undefined, {
    message: 'send name, document or both',
    path: ['document'],
  });
