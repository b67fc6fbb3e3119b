// The accounts one index holds, each in a numbered slot: the postings of every other table
// (domains, names) are slot numbers, not objects, so an account costs its record and a few
// integers. A removed account's slot is reused by the next new one. Ids are looked up per CRM
// in a map keyed by the record's own id string (no "crm:id" string per account).
import type { CrmName } from '../lead/index.js';
import type { AccountRecord } from './types.js';

export class AccountStore {
  private readonly records: Array<AccountRecord | undefined> = [];
  private readonly byCrm = new Map<string, Map<string, number>>();
  private readonly free: number[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  slotOf(crm: string, id: string): number | undefined {
    return this.byCrm.get(crm)?.get(id);
  }

  /** The record in a slot (undefined: a freed slot). */
  at(slot: number): AccountRecord | undefined {
    return this.records[slot];
  }

  get(crm: string, id: string): AccountRecord | undefined {
    const slot = this.slotOf(crm, id);
    return slot === undefined ? undefined : this.records[slot];
  }

  /** Stores the record in its account's slot (a new one for a new account); returns the slot. */
  put(record: AccountRecord): number {
    let ids = this.byCrm.get(record.crm);
    if (!ids) this.byCrm.set(record.crm, (ids = new Map()));
    let slot = ids.get(record.id);
    if (slot === undefined) {
      slot = this.free.pop() ?? this.records.length;
      ids.set(record.id, slot);
      this.count++;
    }
    this.records[slot] = record;
    return slot;
  }

  delete(crm: CrmName, id: string): void {
    const ids = this.byCrm.get(crm);
    const slot = ids?.get(id);
    if (slot === undefined) return;
    ids!.delete(id);
    this.records[slot] = undefined;
    this.free.push(slot);
    this.count--;
  }
}
