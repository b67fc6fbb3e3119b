// Existing CRM contacts and leads by email, for "this person is already someone's": the rule
// action existingOwner routes to the owner of a contact (preferred) or lead with the lead's email.
import type { CrmName } from '../lead/index.js';
import type { PersonRecord } from './types.js';

const personKey = (crm: CrmName, kind: PersonRecord['kind'], id: string) => `${crm}:${kind}:${id}`;
const order = (a: PersonRecord, b: PersonRecord) =>
  (a.kind === b.kind ? 0 : a.kind === 'contact' ? -1 : 1) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export class PeopleByEmail {
  private readonly byKey = new Map<string, PersonRecord>();
  private readonly byEmail = new Map<string, PersonRecord[]>();

  replaceAll(rows: readonly PersonRecord[]): void {
    this.byKey.clear();
    this.byEmail.clear();
    for (const r of rows) this.upsert(r);
  }

  upsert(row: PersonRecord): void {
    this.remove(row.crm, row.kind, row.id);
    const person = { ...row, email: row.email.trim().toLowerCase() };
    this.byKey.set(personKey(row.crm, row.kind, row.id), person);
    const list = this.byEmail.get(person.email) ?? [];
    list.push(person);
    list.sort(order);
    this.byEmail.set(person.email, list);
  }

  remove(crm: CrmName, kind: PersonRecord['kind'], id: string): void {
    const key = personKey(crm, kind, id);
    const old = this.byKey.get(key);
    if (!old) return;
    this.byKey.delete(key);
    const rest = (this.byEmail.get(old.email) ?? []).filter((p) => p !== old);
    if (rest.length > 0) this.byEmail.set(old.email, rest);
    else this.byEmail.delete(old.email);
  }

  find(email: string): readonly PersonRecord[] {
    return this.byEmail.get(email.trim().toLowerCase()) ?? [];
  }
}
