// The answers of the admin API, for the OpenAPI document (src/pipeline/config-admin.ts and
// failures.ts hold the full shapes). Times are ISO 8601 strings.
import { z } from 'zod';

const document = z
  .record(z.string(), z.unknown())
  .describe('a config document: { mappings, routing } (docs/config.md)');
const change = z.looseObject({ path: z.string() }).describe('one structural change (docs/config.md)');
const diff = z.object({
  against: z.number().int().nullable().describe('the version this one was compared with'),
  changes: z.array(change),
});

export const configVersion = z.looseObject({
  version: z.number().int(),
  document,
  author: z.string(),
  message: z.string(),
  createdAt: z.string(),
  diff,
});
export const activeConfig = configVersion.extend({ activatedAt: z.string() });
export const oneVersion = configVersion.extend({ active: z.boolean() });

export const versionList = z.object({
  active: z.number().int().nullable(),
  versions: z.array(
    z.object({
      version: z.number().int(),
      author: z.string(),
      message: z.string(),
      createdAt: z.string(),
      active: z.boolean(),
      changes: z.number().int(),
    }),
  ),
});

export const activationList = z.object({
  activations: z.array(
    z.object({
      version: z.number().int(),
      previousVersion: z.number().int().nullable(),
      kind: z.string().describe('bootstrap, publish or rollback'),
      by: z.string(),
      message: z.string().nullable(),
      at: z.string(),
    }),
  ),
});

export const versionDiff = z.object({ from: z.number().int(), to: z.number().int(), changes: z.array(change) });

export const exportText = z
  .string()
  .describe('the document as YAML (default) or JSON; X-Config-Version names the version');

export const validation = z.object({
  valid: z.boolean(),
  errors: z
    .array(z.looseObject({ path: z.string(), message: z.string() }))
    .describe('every problem in one pass: schema, references, CRM schema'),
  warnings: z
    .array(z.looseObject({ path: z.string(), message: z.string() }))
    .describe('lints (docs/routing.md): never make a document invalid; empty when it has errors'),
});

export const published = z.looseObject({
  version: z.number().int(),
  author: z.string(),
  message: z.string(),
  createdAt: z.string(),
  activatedAt: z.string(),
  diff,
  draftId: z.uuid().optional().describe('when a draft was published (it is gone now)'),
  warnings: z
    .array(z.looseObject({ path: z.string(), message: z.string() }))
    .describe('lints (docs/routing.md); they never block a publish'),
});

export const rolledBack = z.object({
  version: z.number().int(),
  previousVersion: z.number().int().nullable(),
  activatedAt: z.string(),
  changed: z.boolean().describe('false when the version was already active'),
  by: z.string(),
  message: z.string().optional(),
});

export const draft = z.looseObject({
  id: z.uuid(),
  name: z.string(),
  document: z.unknown(),
  author: z.string(),
  baseVersion: z.number().int().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const draftList = z.object({ drafts: z.array(z.looseObject({ id: z.uuid(), name: z.string() })) });
export const draftDiff = z.object({ from: z.number().int().nullable(), draftId: z.uuid(), changes: z.array(change) });
export const deleted = z.undefined().describe('deleted');

const record = z.object({ crm: z.string(), objectType: z.string(), recordId: z.string() });
export const failurePage = z.object({
  items: z.array(
    z.looseObject({
      kind: z.enum(['route', 'writeback', 'notify']),
      id: z.string().describe('replay takes this'),
      eventId: z.string().nullable(),
      leadId: z.string().nullable(),
      record,
      status: z.string(),
      code: z.string().nullable(),
      lastError: z.string().nullable(),
      attempts: z.number().int(),
      lastAttemptAt: z.string(),
    }),
  ),
  nextCursor: z.string().nullable(),
});

export const replayResult = z.object({
  dryRun: z.boolean(),
  replayed: z.array(z.object({ kind: z.enum(['route', 'writeback', 'notify']), id: z.string() })),
  skipped: z.array(
    z.object({ kind: z.enum(['route', 'writeback', 'notify']).nullable(), id: z.string(), reason: z.string() }),
  ),
});
