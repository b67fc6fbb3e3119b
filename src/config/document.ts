// The document a RevOps admin edits: field mappings per CRM object type, and routing.
// Validation gives every problem its path and a plain reason; a document that fails it can
// never be published, so it can never become active.
//
// All problems in one pass: schema errors and the checks after the schema (references,
// duplicates, regexes, values) are reported together. When the schema fails, the later checks
// run on what did parse (each mapping on its own; routing item by item, see routing/salvage.ts).
// Paths name list items by id (`routing.rules[id=emea].action.pool`, see item-paths.ts).
import { z } from 'zod';
import {
  fieldMappingSchema,
  mappingSchema,
  mappingSetSchema,
  validateMapping,
  type Mapping,
} from '../mapping/index.js';
import {
  lintRoutingConfig,
  routingConfigSchema,
  salvageRoutingConfig,
  validateRoutingConfig,
  type Known,
  type PartialRoutingConfig,
} from '../routing/index.js';
import { validateSyncConfig } from '../sync/index.js';
import { notificationsSchema, validateNotifications, type NotificationsConfig } from '../notify/index.js';
import { fieldPath, type FieldIssue } from '../errors.js';
import { didYouMean } from '../lead/index.js';
import { schemaKeysAt } from './schema-keys.js';
import { nameIssues } from './item-paths.js';

/** live: owners are written to the CRM; shadow: decided and recorded, nothing written (docs/shadow-mode.md). */
export const writeModeSchema = z.enum(['live', 'shadow']);
const connectorSettingsSchema = z.strictObject({ mode: writeModeSchema.default('live') });

export const configDocumentSchema = z.strictObject({
  mappings: mappingSetSchema,
  routing: routingConfigSchema,
  /** Per connector settings that an admin switches with a publish (audited like any version); absent = live. */
  connectors: z
    .strictObject({ hubspot: connectorSettingsSchema.optional(), salesforce: connectorSettingsSchema.optional() })
    .optional(),
  /** Who hears about assignments, SLA events, conflicts and dead letters (docs/notifications.md); absent: nobody. */
  notifications: notificationsSchema.optional(),
});
export type ConfigDocument = z.infer<typeof configDocumentSchema>;

/**
 * zod issues as `{ path, message }`. An unknown key is reported at its own path
 * (`routing.rules[0].pool`), not its parent's, with the closest key `schema` accepts there.
 */
export function zodIssues(error: z.ZodError, prefix = '', schema?: z.ZodType): FieldIssue[] {
  return error.issues.flatMap((i) => {
    if (i.code === 'unrecognized_keys') {
      const accepted = schema ? schemaKeysAt(schema, i.path) : undefined;
      return i.keys.map((k) => ({
        path: fieldPath([...i.path, k], prefix),
        message: `unknown key "${k}"${accepted ? didYouMean(k, accepted) : ''}`,
      }));
    }
    return [{ path: fieldPath(i.path, prefix) || '(root)', message: i.message }];
  });
}

type PartialMapping = Parameters<typeof validateMapping>[0] & Pick<Mapping, 'reasonField'>;

/** A mapping that failed the schema, field by field (a failed field is a hole at its index). */
function salvageMapping(raw: unknown): PartialMapping | undefined {
  const whole = mappingSchema.safeParse(raw);
  if (whole.success) return whole.data;
  if (typeof raw !== 'object' || raw === null || !Array.isArray((raw as { fields?: unknown }).fields)) return undefined;
  const { fields, ignore, reasonField } = raw as { fields: unknown[]; ignore?: unknown; reasonField?: unknown };
  return {
    fields: fields.map((f) => {
      const r = fieldMappingSchema.safeParse(f);
      return r.success ? r.data : undefined;
    }),
    ignore: Array.isArray(ignore) ? ignore.filter((x): x is string => typeof x === 'string') : [],
    reasonField: typeof reasonField === 'string' ? reasonField : undefined,
  };
}

function mappingIssues(mappings: Record<string, PartialMapping>): FieldIssue[] {
  return [
    ...Object.entries(mappings).flatMap(([key, m]) => validateMapping(m, fieldPath(['mappings', key]))),
    // API leads have no CRM record: their owner "write" is a log line, so there is no field to set.
    ...Object.entries(mappings).flatMap(([key, m]) =>
      key.startsWith('api/') && m.reasonField !== undefined
        ? [
            {
              path: fieldPath(['mappings', key, 'reasonField']),
              message:
                'API leads have no CRM record to write a reason to; set reasonField on a hubspot/* or salesforce/* mapping',
            },
          ]
        : [],
    ),
  ];
}

const routingIssues = (routing: PartialRoutingConfig, known?: Known): FieldIssue[] => [
  ...validateRoutingConfig(routing, 'routing', known),
  ...validateSyncConfig(routing, 'routing'),
];

const notificationIssues = (n: NotificationsConfig | undefined, routing: PartialRoutingConfig): FieldIssue[] =>
  n ? validateNotifications(n, routing) : [];

/** The checks after the schema, on the parts of a document that failed it which still parse. */
function salvagedIssues(input: unknown): FieldIssue[] {
  if (typeof input !== 'object' || input === null) return [];
  const { mappings, routing } = input as Record<string, unknown>;
  const parsedMappings: Record<string, PartialMapping> = {};
  if (typeof mappings === 'object' && mappings !== null) {
    for (const [key, m] of Object.entries(mappings)) {
      const salvaged = salvageMapping(m);
      if (salvaged) parsedMappings[key] = salvaged;
    }
  }
  const salvaged = salvageRoutingConfig(routing);
  const notifications = notificationsSchema.safeParse((input as Record<string, unknown>).notifications ?? undefined);
  return [
    ...mappingIssues(parsedMappings),
    ...(salvaged ? routingIssues(salvaged.config, salvaged.known) : []),
    ...(notifications.success && notifications.data && salvaged
      ? notificationIssues(notifications.data, salvaged.config)
      : []),
  ];
}

/**
 * Schema, references, duplicates, regexes, values and rules that can never fire, all at once. Never throws.
 * `warnings` (lints: shadowed rules, leads no rule takes, pools nobody staffs on a weekday) never
 * make a document invalid; they are given only for a document that is valid.
 */
export function parseConfigDocument(
  input: unknown,
): { ok: true; doc: ConfigDocument; warnings: FieldIssue[] } | { ok: false; errors: FieldIssue[] } {
  const parsed = configDocumentSchema.safeParse(input);
  const errors = parsed.success
    ? [
        ...mappingIssues(parsed.data.mappings),
        ...routingIssues(parsed.data.routing),
        ...notificationIssues(parsed.data.notifications, parsed.data.routing),
      ]
    : [...zodIssues(parsed.error, '', configDocumentSchema), ...salvagedIssues(input)];
  if (parsed.success && errors.length === 0)
    return {
      ok: true,
      doc: parsed.data,
      warnings: nameIssues(lintRoutingConfig(parsed.data.routing, 'routing'), input),
    };
  return { ok: false, errors: nameIssues(errors, input) };
}
