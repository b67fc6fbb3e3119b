import { textKey } from './text-key.js';
import { usCaRegions } from './us-ca-regions.js';

const byKey = new Map<string, string>();
const byExactName = new Map<string, string>(); // the common case, without textKey's folding
for (const [code, , ...names] of usCaRegions) {
  byKey.set(code.toLowerCase(), code);
  for (const name of names) {
    byKey.set(textKey(name), code);
    byExactName.set(name, code);
  }
}

/**
 * The two-letter code of a US state, DC or Canadian province ("New York" -> "NY", "qc" -> "QC"),
 * or undefined when the value is none of them (a German Land, a typo).
 */
export function toUsCaRegionCode(value: string): string | undefined {
  if (value.length === 2) return byKey.get(value.toLowerCase());
  return byExactName.get(value) ?? byKey.get(textKey(value));
}
