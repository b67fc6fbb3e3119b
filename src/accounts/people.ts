// Existing CRM contacts and leads by email, for "this person is already someone's": the rule
// action existingOwner routes to the owner of a contact (preferred) or lead with the lead's email.
// Sized for a million people (docs/accounts.md): one small record per person holding only the
// normalized email, kind, id and owner id; the id and email strings are the record's own (no
// composite key strings), owner ids are shared, and an email with one person maps to its record,
// not to a one-element array.
import type { CrmName } from '../lead/index.js';
import type { PersonRecord } from './types.js';

const order = (a: PersonRecord, b: PersonRecord) =>
  (a.kind === b.kind ? 0 : a.kind === 'contact' ? -1 : 1) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

type Entry = PersonRecord | PersonRecord[];

export class PeopleByEmail {
  /** crm -> kind -> id -> record. */
  private readonly byId = new Map<string, Map<string, PersonRecord>>();
  private readonly byEmail = new Map<string, Entry>();
  private readonly owners = new Map<string, string>();

  get size(): number {
    let n = 0;
    for (const m of this.byId.values()) n += m.size;
    return n;
  }

  replaceAll(rows: readonly PersonRecord[]): void {
    this.byId.clear();
    this.byEmail.clear();
    this.owners.clear();
    for (const r of rows) this.upsert(r);
  }

  upsert(row: PersonRecord): void {
    this.remove(row.crm, row.kind, row.id);
    const owner = row.ownerCrmId === null ? null : this.owner(row.ownerCrmId);
    const person: PersonRecord = {
      crm: row.crm,
      kind: row.kind,
      id: row.id,
      email: row.email.trim().toLowerCase(),
      ownerCrmId: owner,
    };
    this.ids(row.crm, row.kind).set(row.id, person);
    const had = this.byEmail.get(person.email);
    if (had === undefined) this.byEmail.set(person.email, person);
    else this.byEmail.set(person.email, [...(Array.isArray(had) ? had : [had]), person].sort(order));
  }

  remove(crm: CrmName, kind: PersonRecord['kind'], id: string): void {
    const ids = this.byId.get(`${crm}:${kind}`);
    const old = ids?.get(id);
    if (!old) return;
    ids!.delete(id);
    const had = this.byEmail.get(old.email);
    const rest = (Array.isArray(had) ? had : had ? [had] : []).filter((p) => p !== old);
    if (rest.length === 0) this.byEmail.delete(old.email);
    else this.byEmail.set(old.email, rest.length === 1 ? rest[0]! : rest);
  }

  find(email: string): readonly PersonRecord[] {
    const hit = this.byEmail.get(email.trim().toLowerCase());
    return hit === undefined ? [] : Array.isArray(hit) ? hit : [hit];
  }

  private ids(crm: CrmName, kind: PersonRecord['kind']): Map<string, PersonRecord> {
    const key = `${crm}:${kind}`;
    let m = this.byId.get(key);
    if (!m) this.byId.set(key, (m = new Map()));
    return m;
  }

  private owner(id: string): string {
    const had = this.owners.get(id);
    if (had !== undefined) return had;
    this.owners.set(id, id);
    return id;
  }
}
