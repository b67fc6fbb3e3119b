// One indexed account: the record and the keys it is filed under, computed once at upsert so a
// match reads maps only.
import { normalizeCompanyName } from './company-name.js';
import { registrableDomain } from './registrable-domain.js';
import type { AccountRecord } from './types.js';

export interface AccountEntry {
  record: AccountRecord;
  /** Registrable domains of the account's websites, deduplicated. */
  domains: readonly string[];
  /** Normalized company name ('' when the account has none). */
  name: string;
}

export const accountKey = (crm: string, id: string) => `${crm}:${id}`;

export function toEntry(record: AccountRecord): AccountEntry {
  const domains: string[] = [];
  for (const w of record.websites) {
    const d = registrableDomain(w);
    if (d !== undefined && !domains.includes(d)) domains.push(d);
  }
  return { record, domains, name: record.name ? normalizeCompanyName(record.name) : '' };
}

/** Adds to a list-valued map entry. */
export function addTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Removes from a list-valued map entry, dropping the entry when it empties. */
export function removeFrom<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (!list) return;
  const i = list.indexOf(value);
  if (i >= 0) list.splice(i, 1);
  if (list.length === 0) map.delete(key);
}
