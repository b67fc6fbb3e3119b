// CRM people -> the people mirror's rows and this process's index (docs/accounts.md "Existing
// records"). Only the normalized email, kind, CRM id and owner id are kept: nothing else of the
// person reaches Postgres or memory. A person without a usable email is no one to match: the
// mirror keeps a tombstone and the index drops it.
import type { AccountIndex, AccountMatcher, PersonRecord } from '../accounts/types.js';
import type { CrmAccountContact, CrmPerson } from '../connector.js';
import { normalizedEmail, type MirrorPersonRow } from '../db/index.js';
import type { CrmName } from '../lead/index.js';

export const contactPerson = (c: CrmAccountContact): MirrorPersonRow => ({
  id: c.contactId,
  email: c.email,
  ownerCrmId: c.ownerCrmId,
});

export const leadPerson = (l: CrmPerson): MirrorPersonRow => ({ id: l.id, email: l.email, ownerCrmId: l.ownerCrmId });

/** A row as the mirror holds it now, applied to an index: email null = removed. */
export interface PersonState {
  crm: CrmName;
  kind: PersonRecord['kind'];
  id: string;
  email: string | null;
  ownerCrmId: string | null;
}

export function applyPeople(index: AccountIndex | undefined, rows: readonly PersonState[]): void {
  const people = index as Partial<AccountMatcher> | undefined;
  if (!people?.upsertPerson || !people.removePerson) return;
  for (const r of rows) {
    const email = normalizedEmail(r.email);
    if (email === null) people.removePerson(r.crm, r.kind, r.id);
    else people.upsertPerson({ crm: r.crm, kind: r.kind, id: r.id, email, ownerCrmId: r.ownerCrmId });
  }
}

/** These people as index states, for one CRM and kind (removed = email null). */
export const statesOf = (crm: CrmName, kind: PersonRecord['kind'], rows: readonly MirrorPersonRow[]): PersonState[] =>
  rows.map((r) => ({ crm, kind, ...r }));

export const removedStates = (crm: CrmName, kind: PersonRecord['kind'], ids: readonly string[]): PersonState[] =>
  ids.map((id) => ({ crm, kind, id, email: null, ownerCrmId: null }));
