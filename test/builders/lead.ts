// aLead(): a valid canonical lead with sensible defaults; pass only what the test is about.
import { leadSchema, type CrmName, type Lead, type LeadInput } from '../../src/lead/index.js';

let seq = 0;

export type LeadOverrides = Partial<Omit<LeadInput, 'source'>> & {
  source?: Partial<LeadInput['source']>;
  crm?: CrmName;
};

export function aLead(overrides: LeadOverrides = {}): Lead {
  const { crm, source, ...fields } = overrides;
  seq += 1;
  return leadSchema.parse({
    source: {
      crm: crm ?? source?.crm ?? 'hubspot',
      objectType: source?.objectType ?? 'contact',
      id: source?.id ?? `lead-${seq}`,
    },
    email: `person${seq}@example.com`,
    ...fields,
  });
}
