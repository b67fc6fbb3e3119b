// A form's fields as the `lead` of POST /v1/leads. A browser sends every value as a string and
// sends empty inputs too: empty values are dropped (an empty optional field is not a value), the
// numeric lead fields are read as numbers when they are numbers (otherwise left as they came, so
// the lead schema names the field), and a list field takes one value or several.
import { reservedFormFields } from '../../../config/index.js';

const numericFields = new Set(['employeeCount', 'annualRevenue', 'score']);
const listFields = new Set(['productInterest']);
const number = /^-?\d+(\.\d+)?$/;

export function formToLead(body: Record<string, unknown>, honeypotField: string): Record<string, unknown> {
  const skip = new Set<string>([...reservedFormFields, honeypotField]);
  const lead: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(body)) {
    if (skip.has(key)) continue;
    const values = (Array.isArray(raw) ? raw : [raw]).filter((v) => !(typeof v === 'string' && v.trim() === ''));
    if (values.length === 0) continue;
    if (listFields.has(key)) lead[key] = values;
    else if (values.length > 1)
      lead[key] = values; // the lead schema refuses a list here, naming the field
    else {
      const v = values[0];
      lead[key] = numericFields.has(key) && typeof v === 'string' && number.test(v.trim()) ? Number(v.trim()) : v;
    }
  }
  return lead;
}
