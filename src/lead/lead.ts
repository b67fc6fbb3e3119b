// The canonical lead: one shape for every CRM and intake source. Mapping produces it,
// routing reads it, nothing CRM-specific leaks past it.
import { z } from 'zod';

export const crmNames = ['hubspot', 'salesforce', 'api'] as const;
export const crmName = z.enum(crmNames);
export type CrmName = z.infer<typeof crmName>;

export const recordRef = z.object({
  crm: crmName,
  objectType: z.string().min(1),
  id: z.string().min(1),
});
export type RecordRef = z.infer<typeof recordRef>;

const trimmed = z.string().trim().min(1);
export const customValue = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())]);
export type CustomValue = z.infer<typeof customValue>;

export const leadSchema = z.object({
  source: recordRef,
  email: trimmed.toLowerCase().optional(),
  firstName: trimmed.optional(),
  lastName: trimmed.optional(),
  phone: trimmed.optional(),
  company: trimmed.optional(),
  /** Domain of the email address, lower-cased ("acme.com"). */
  emailDomain: trimmed.toLowerCase().optional(),
  /** Domain of the company website, lower-cased, without "www.". */
  websiteDomain: trimmed.toLowerCase().optional(),
  /** True when the email domain is a free provider (gmail, outlook, ...): skip account matching. */
  freeEmail: z.boolean().optional(),
  /** ISO 3166-1 alpha-2, upper-case. */
  country: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code')
    .optional(),
  region: trimmed.optional(),
  postalCode: trimmed.optional(),
  city: trimmed.optional(),
  industry: trimmed.optional(),
  employeeCount: z.number().finite().nonnegative().optional(),
  annualRevenue: z.number().finite().nonnegative().optional(),
  leadSource: trimmed.optional(),
  campaign: trimmed.optional(),
  productInterest: z.array(trimmed).optional(),
  score: z.number().finite().optional(),
  priority: trimmed.optional(),
  language: trimmed.toLowerCase().optional(),
  /** When the CRM created the record (ISO 8601). */
  createdAt: z.iso.datetime({ offset: true }).optional(),
  /** Owner the CRM already has on the record, in the CRM's ids (used for sticky routing). */
  currentOwnerId: trimmed.optional(),
  custom: z.record(z.string(), customValue).default({}),
});
export type Lead = z.infer<typeof leadSchema>;
export type LeadInput = z.input<typeof leadSchema>;

/** Canonical field names a mapping may target or a rule may test. */
export const canonicalFields = Object.keys(leadSchema.shape).filter((k) => k !== 'source' && k !== 'custom') as Array<
  Exclude<keyof Lead, 'source' | 'custom'>
>;
export type CanonicalField = (typeof canonicalFields)[number];
