// The configuration lifecycle: validate, publish, roll back, diff, export, drafts. Called by the
// admin API and the CLI; all SQL is in db/.
//
// Contract: a document becomes a version only after it passed validation (schema, references,
// and the CRM schema when a connector is configured), so nothing invalid can become active.
// Versions are immutable; publish and rollback take one lock, so concurrent publishes get
// unique, ordered version numbers. After either, this process's ConfigStore is invalidated;
// other processes see the new pointer within their refresh interval (1 s).
import { stringify as toYaml } from 'yaml';
import {
  diffConfig,
  jsonEqual,
  nameIssues,
  parseConfigDocument,
  type ConfigChange,
  type ConfigDocument,
} from '../config/index.js';
import type { CrmConnector, FieldInfo } from '../connector.js';
import * as db from '../db/index.js';
import { errors, type FieldIssue } from '../errors.js';
import { didYouMean } from '../lead/index.js';
import type { Mapping } from '../mapping/index.js';
import type { PipelineDeps } from './deps.js';

export type ValidateDeps = Pick<PipelineDeps, 'connectors'>;
export type ConfigAdminDeps = Pick<PipelineDeps, 'db' | 'connectors'> & { configs?: { invalidate(): void } };
/** `warnings` never block a publish (docs/routing.md, Lints). */
export type ValidationResult =
  { ok: true; doc: ConfigDocument; warnings: FieldIssue[] } | { ok: false; errors: FieldIssue[] };

/** What a version stores as its diff: the changes against the version active when it was published. */
export interface StoredDiff {
  against: number | null;
  changes: ConfigChange[];
}

const crmLabels: Record<string, string> = { hubspot: 'HubSpot', salesforce: 'Salesforce' };

function fieldSources(mapping: Mapping): Array<{ name: string; path: string }> {
  return mapping.fields.flatMap((f, i) => {
    const at = `fields[${i}]`;
    if (f.from !== undefined) return [{ name: f.from, path: `${at}.from` }];
    if (f.firstOf !== undefined) return f.firstOf.map((name, j) => ({ name, path: `${at}.firstOf[${j}]` }));
    if (f.concat !== undefined) return f.concat.fields.map((name, j) => ({ name, path: `${at}.concat.fields[${j}]` }));
    return [];
  });
}

async function checkMappingAgainstCrm(key: string, mapping: Mapping, connector: CrmConnector): Promise<FieldIssue[]> {
  const [crm, objectType] = key.split('/') as [string, string];
  const label = `${crmLabels[crm] ?? crm} ${objectType}`;
  const base = `mappings[${JSON.stringify(key)}]`;
  let fields: FieldInfo[];
  try {
    fields = await connector.describeFields(objectType);
  } catch (err) {
    // Not proven safe is not safe: publish waits until the CRM can be asked.
    return [{ path: base, message: `could not read the ${label} schema from the CRM: ${(err as Error).message}` }];
  }
  const known = new Set(fields.map((f) => f.name));
  const issues: FieldIssue[] = checkReasonField(mapping.reasonField, fields, {
    crm,
    label,
    path: `${base}.reasonField`,
  });
  for (const { name, path } of fieldSources(mapping)) {
    if (known.has(name)) continue;
    // A path the CRM resolves itself (Salesforce `Account.Name`): the connector knows its rules.
    const asPath = connector.checkFieldPath?.(name, known);
    if (asPath) {
      if (!asPath.ok) issues.push({ path: `${base}.${path}`, message: `${asPath.message} in ${label}` });
      continue;
    }
    issues.push({
      path: `${base}.${path}`,
      message: `${crm === 'hubspot' ? 'property' : 'field'} '${name}' does not exist in ${label}${didYouMean(name, known)}`,
    });
  }
  return issues;
}

// The reason is free text: a text field takes it as is (HubSpot "string"; Salesforce string, textarea).
const textTypes: Record<string, readonly string[]> = { hubspot: ['string'], salesforce: ['string', 'textarea'] };

/** Owner writes set the reason field with every owner: it must exist, be writable and hold text. */
function checkReasonField(
  name: string | undefined,
  fields: FieldInfo[],
  at: { crm: string; label: string; path: string },
): FieldIssue[] {
  if (name === undefined) return [];
  const kind = at.crm === 'hubspot' ? 'property' : 'field';
  const field = fields.find((f) => f.name === name);
  if (!field)
    return [
      {
        path: at.path,
        message: `${kind} '${name}' does not exist in ${at.label}${didYouMean(
          name,
          fields.map((f) => f.name),
        )}`,
      },
    ];
  if (field.updateable === false)
    return [{ path: at.path, message: `${kind} '${name}' of ${at.label} is read-only: owner writes cannot set it` }];
  const text = textTypes[at.crm];
  if (text && !text.includes(field.type))
    return [
      {
        path: at.path,
        message: `${kind} '${name}' of ${at.label} is of type ${field.type}; the reason is text (use a ${text.join(' or ')} ${kind})`,
      },
    ];
  return [];
}

/** Each mapping of a configured CRM connector against that CRM's real fields (api/* has no CRM schema). */
export async function checkCrmSchema(
  doc: ConfigDocument,
  connectors: ValidateDeps['connectors'],
): Promise<FieldIssue[]> {
  const checks = Object.entries(doc.mappings).flatMap(([key, mapping]) => {
    const crm = key.split('/')[0] as 'hubspot' | 'salesforce' | 'api';
    const connector = crm === 'api' ? undefined : connectors[crm];
    return connector ? [checkMappingAgainstCrm(key, mapping, connector)] : [];
  });
  return (await Promise.all(checks)).flat();
}

/** Everything a publish checks, without writing anything. Works without a database. */
export async function validateConfig(deps: ValidateDeps, input: unknown): Promise<ValidationResult> {
  const parsed = parseConfigDocument(input);
  if (!parsed.ok) return parsed;
  const crmIssues = await checkCrmSchema(parsed.doc, deps.connectors);
  return crmIssues.length ? { ok: false, errors: nameIssues(crmIssues, input) } : parsed;
}

export function storedDiff(raw: unknown): StoredDiff {
  // Version 1 (bootstrap) stores a bare empty list.
  if (Array.isArray(raw)) return { against: null, changes: raw as ConfigChange[] };
  return raw as StoredDiff;
}

export type PublishInput = { message: string; author: string; baseVersion?: number } & (
  { document: unknown } | { draftId: string }
);

/** Validates, then stores a new version and makes it active. A draft published is consumed. */
export async function publishConfig(deps: ConfigAdminDeps, input: PublishInput) {
  const draft = 'draftId' in input ? await db.getConfigDraft(deps.db, input.draftId) : undefined;
  if ('draftId' in input && !draft) throw errors.notFound(`draft ${input.draftId}`);
  const result = await validateConfig(deps, draft ? draft.document : (input as { document: unknown }).document);
  if (!result.ok) throw errors.configInvalid(result.errors);
  // The normalised document (defaults filled in) is what routing runs on, so that is what is stored.
  const document = JSON.parse(JSON.stringify(result.doc)) as unknown;

  const published = await deps.db.transaction(async (tx) => {
    await db.lockConfigLifecycle(tx);
    const latest = await db.latestConfigVersion(tx);
    if (input.baseVersion !== undefined && input.baseVersion !== latest) {
      throw errors.conflict(
        `version ${latest} was published since version ${input.baseVersion}; review its changes and publish again`,
      );
    }
    if (draft) {
      // The draft was validated as read before the lock; an edit since then must not be lost.
      const taken = await db.takeConfigDraft(tx, draft.id);
      if (!taken || !jsonEqual(taken.document, draft.document))
        throw errors.conflict(`draft ${draft.id} was edited, published or deleted meanwhile; publish it again`);
    }
    const active = await db.getActiveConfig(tx);
    const diff: StoredDiff = {
      against: active?.version ?? null,
      changes: diffConfig(active?.document ?? {}, document),
    };
    const row = await db.insertConfigVersion(tx, { document, author: input.author, message: input.message, diff });
    const pointer = await db.setActiveConfigVersion(tx, row.version, {
      kind: 'publish',
      by: input.author,
      message: input.message,
    });
    return {
      version: row.version,
      author: row.author,
      message: row.message,
      createdAt: row.createdAt,
      activatedAt: pointer.activatedAt,
      diff,
    };
  });
  deps.configs?.invalidate();
  return { ...published, ...(draft && { draftId: draft.id }), warnings: result.warnings };
}

/**
 * Moves the pointer to an existing version. Schema and references are checked again (the code
 * may have moved since); the CRM is not asked, so a rollback works while the CRM is down.
 */
export async function rollbackConfig(deps: ConfigAdminDeps, input: { version: number; who: string; message?: string }) {
  const moved = await deps.db.transaction(async (tx) => {
    await db.lockConfigLifecycle(tx);
    const target = await db.getConfigVersion(tx, input.version);
    if (!target) throw errors.configNotFound(input.version);
    const parsed = parseConfigDocument(target.document);
    if (!parsed.ok) throw errors.configInvalid(parsed.errors);
    const before = await db.getActivePointer(tx);
    if (before?.version === input.version)
      return {
        version: input.version,
        previousVersion: before.version,
        activatedAt: before.activatedAt,
        changed: false,
      };
    const pointer = await db.setActiveConfigVersion(tx, input.version, {
      kind: 'rollback',
      by: input.who,
      message: input.message,
    });
    return {
      version: pointer.version,
      previousVersion: before?.version ?? null,
      activatedAt: pointer.activatedAt,
      changed: true,
    };
  });
  deps.configs?.invalidate();
  return { ...moved, by: input.who, ...(input.message !== undefined && { message: input.message }) };
}

async function requireVersion(deps: Pick<ConfigAdminDeps, 'db'>, version: number) {
  const row = await db.getConfigVersion(deps.db, version);
  if (!row) throw errors.configNotFound(version);
  return row;
}

async function requireActive(deps: Pick<ConfigAdminDeps, 'db'>) {
  const row = await db.getActiveConfig(deps.db);
  if (!row) throw errors.configNotFound('active');
  return row;
}

export async function getActiveConfigVersion(deps: Pick<ConfigAdminDeps, 'db'>) {
  const row = await requireActive(deps);
  const pointer = await db.getActivePointer(deps.db);
  return { ...row, diff: storedDiff(row.diff), activatedAt: pointer?.activatedAt ?? row.createdAt };
}

export async function listVersions(deps: Pick<ConfigAdminDeps, 'db'>, limit?: number) {
  const [rows, active] = await Promise.all([db.listConfigVersions(deps.db, limit), db.getActiveVersionNumber(deps.db)]);
  return {
    active: active ?? null,
    versions: rows.map((r) => ({
      version: r.version,
      author: r.author,
      message: r.message,
      createdAt: r.createdAt,
      active: r.version === active,
      changes: storedDiff(r.diff).changes.length,
    })),
  };
}

/** Who made which version active, when and why (bootstrap, publish, rollback), newest first. */
export async function listActivations(deps: Pick<ConfigAdminDeps, 'db'>, limit?: number) {
  const rows = await db.listConfigActivations(deps.db, limit);
  return {
    activations: rows.map((r) => ({
      version: r.version,
      previousVersion: r.previousVersion,
      kind: r.kind,
      by: r.by,
      message: r.message,
      at: r.at,
    })),
  };
}

export async function getVersion(deps: Pick<ConfigAdminDeps, 'db'>, version: number) {
  const row = await requireVersion(deps, version);
  return { ...row, diff: storedDiff(row.diff), active: (await db.getActiveVersionNumber(deps.db)) === version };
}

/** Changes from version `from` to version `to` (default: the active one). */
export async function diffVersions(deps: Pick<ConfigAdminDeps, 'db'>, from: number, to?: number) {
  const [a, b] = await Promise.all([
    requireVersion(deps, from),
    to === undefined ? requireActive(deps) : requireVersion(deps, to),
  ]);
  return { from: a.version, to: b.version, changes: diffConfig(a.document, b.document) };
}

/** A version (default: the active one) as YAML or JSON text an admin can keep in git and publish again. */
export async function exportConfig(
  deps: Pick<ConfigAdminDeps, 'db'>,
  opts: { version?: number; format?: 'yaml' | 'json' } = {},
) {
  const row = opts.version === undefined ? await requireActive(deps) : await requireVersion(deps, opts.version);
  // jsonb stores keys in its own order; parsing again puts them back in the schema's order.
  const parsed = parseConfigDocument(row.document);
  const doc = parsed.ok ? parsed.doc : row.document;
  const text =
    opts.format === 'json'
      ? `${JSON.stringify(doc, null, 2)}\n`
      : `# lead-router config, version ${row.version}: ${row.message.split('\n')[0]}\n${toYaml(doc, { lineWidth: 0 })}`;
  return { version: row.version, text };
}

// Drafts. A draft may be invalid while it is edited; validation and the diff are on request.

export async function createDraft(
  deps: Pick<ConfigAdminDeps, 'db'>,
  input: { name: string; document: unknown; author: string },
) {
  const baseVersion = (await db.getActiveVersionNumber(deps.db)) ?? null;
  return db.insertConfigDraft(deps.db, { ...input, baseVersion });
}

export async function getDraft(deps: Pick<ConfigAdminDeps, 'db'>, id: string) {
  const row = await db.getConfigDraft(deps.db, id);
  if (!row) throw errors.notFound(`draft ${id}`);
  return row;
}

/** The draft's text for the console's YAML editor: as the admin last saved it there (comments kept), else the document as YAML. */
export async function getDraftYaml(deps: Pick<ConfigAdminDeps, 'db'>, id: string, document: unknown): Promise<string> {
  return (await db.getConfigDraftYaml(deps.db, id)) ?? toYaml(document, { lineWidth: 0 });
}

export const listDrafts = (deps: Pick<ConfigAdminDeps, 'db'>, limit?: number) => db.listConfigDrafts(deps.db, limit);

export async function updateDraft(
  deps: Pick<ConfigAdminDeps, 'db'>,
  id: string,
  patch: { name?: string; document?: unknown; yaml?: string },
) {
  const row = await db.updateConfigDraft(deps.db, id, patch);
  if (!row) throw errors.notFound(`draft ${id}`);
  return row;
}

export async function deleteDraft(deps: Pick<ConfigAdminDeps, 'db'>, id: string): Promise<void> {
  if (!(await db.deleteConfigDraft(deps.db, id))) throw errors.notFound(`draft ${id}`);
}

/** What publishing the draft would change against the active version. */
export async function diffDraft(deps: Pick<ConfigAdminDeps, 'db'>, id: string) {
  const [draft, active] = await Promise.all([getDraft(deps, id), db.getActiveConfig(deps.db)]);
  // Compare normalised forms when the draft parses, so filled-in defaults are not reported as changes.
  const parsed = parseConfigDocument(draft.document);
  const after = parsed.ok ? JSON.parse(JSON.stringify(parsed.doc)) : draft.document;
  return { from: active?.version ?? null, draftId: id, changes: diffConfig(active?.document ?? {}, after) };
}
