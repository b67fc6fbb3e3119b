// A field mapping: how one CRM object type's fields become the canonical lead. This is the
// shape an admin writes (YAML or JSON); semantic checks zod cannot express live in
// validate-mapping.ts, and both report `{ path, message }`.
import { z } from 'zod';
import { transformSchema } from './transform-schema.js';

const crmField = z.string().trim().min(1, 'name a CRM field');
const constant = z.union([z.string(), z.number(), z.boolean()]);

export const fieldMappingSchema = z
  .object({
    /** Canonical field ("email", "country", ...) or `custom.<name>`; checked by validateMapping. */
    to: z.string().trim().min(1, 'name a canonical field or custom.<name>'),
    /** One CRM field, as the CRM spells it. */
    from: crmField.optional(),
    /** Several CRM fields: the first one with a non-empty value is used. */
    firstOf: z.array(crmField).min(2, 'list at least two fields (or use from)').optional(),
    /** Several CRM fields joined: empty ones are skipped. */
    concat: z
      .object({ fields: z.array(crmField).min(2, 'list at least two fields'), separator: z.string().default(' ') })
      .strict()
      .optional(),
    /** Applied in order; a failure leaves the field out of the lead with a TRANSFORM_FAILED warning. */
    transforms: z.array(transformSchema).default([]),
    /** Used when the source is empty (or when there is no source), then run through the transforms. */
    default: constant.optional(),
    /** A lead without this field gets a REQUIRED_MISSING warning (it is still routed). */
    required: z.boolean().default(false),
  })
  .strict()
  .superRefine((f, ctx) => {
    const sources = (['from', 'firstOf', 'concat'] as const).filter((k) => f[k] !== undefined);
    if (sources.length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: [sources[1]!],
        message: `use one of from, firstOf, concat (found ${sources.join(', ')})`,
      });
    } else if (sources.length === 0 && f.default === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['from'],
        message: 'name a CRM field with from, firstOf or concat, or give a default',
      });
    }
  });

export const mappingSchema = z
  .object({
    fields: z.array(fieldMappingSchema).min(1, 'map at least one field'),
    /** CRM fields a record may carry that are knowingly unused (no FIELD_UNMAPPED warning). */
    ignore: z.array(crmField).default([]),
    /**
     * The CRM field (Salesforce) or property (HubSpot) of this object type that receives the
     * routing reason ("<rule>: <code>") with every owner write. Absent (the default): no reason is
     * written, only the owner. Checked at publish: it must exist in the CRM and be updateable.
     */
    reasonField: crmField.optional(),
  })
  .strict();

export type Mapping = z.output<typeof mappingSchema>;
export type MappingInput = z.input<typeof mappingSchema>;
export type FieldMapping = z.output<typeof fieldMappingSchema>;

/** `<crm>/<objectType>`, e.g. "hubspot/contact", "salesforce/Lead", "api/lead". */
export const mappingKeySchema = z
  .string()
  .regex(
    /^(hubspot|salesforce|api)\/[A-Za-z][A-Za-z0-9_]*$/,
    'use <crm>/<objectType> with crm hubspot, salesforce or api',
  );

/** The `mappings:` section of a config document: one mapping per connector and object type. */
export const mappingSetSchema = z.record(mappingKeySchema, mappingSchema);
export type MappingSet = z.output<typeof mappingSetSchema>;

export function mappingKeyOf(ref: { crm: string; objectType: string }): string {
  return `${ref.crm}/${ref.objectType}`;
}
