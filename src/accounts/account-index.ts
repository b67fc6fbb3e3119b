// The in-memory account index the mirror keeps current (upsert / remove / contact domains /
// people) and the pipeline asks before routing (match, findPeople). Every write updates only the
// keys of the record it touches, so a reassignment in the CRM is visible to the next lead.
// Pure: no I/O, no clock. Matching itself is match-lead.ts; the options come per call.
import type { CrmName, Lead } from '../lead/index.js';
import { toEntry, type AccountEntry } from './account-entry.js';
import { AccountStore } from './account-store.js';
import { ListMap } from './list-map.js';
import type { AccountTables } from './account-tables.js';
import { defaultMatchOptions, type MatchOptions } from './match-options.js';
import { matchLead } from './match-lead.js';
import { NameTable } from './name-table.js';
import { PeopleByEmail } from './people.js';
import { baseLabel } from './registrable-domain.js';
import type { AccountMatch, AccountMatcher, AccountRecord, ContactDomainCount, PersonRecord } from './types.js';

export function createAccountIndex(defaults: MatchOptions = defaultMatchOptions): AccountMatcher {
  const tables: AccountTables = {
    accounts: new AccountStore(),
    byDomain: new ListMap(),
    byHost: new ListMap(),
    byParent: new ListMap(),
    byBase: new ListMap(),
    contactDomains: new ListMap(),
    names: new NameTable(),
    domainKeys: new Map(),
  };
  const people = new PeopleByEmail();
  // CRM -> account id -> that account's rows of tables.contactDomains (the same objects), so one
  // account's counts are replaced without a walk over every domain. Accounts not in the store
  // may have counts too (the mirror may hold contacts before their account).
  const countsByAccount = new Map<string, ListMap<ContactDomainCount>>();
  const addCount = (row: ContactDomainCount) => {
    const domain = row.domain.trim().toLowerCase();
    const kept = domain === row.domain ? row : { ...row, domain };
    tables.contactDomains.add(domain, kept);
    let mine = countsByAccount.get(row.crm);
    if (!mine) countsByAccount.set(row.crm, (mine = new ListMap()));
    mine.add(row.accountId, kept);
  };
  const dropCounts = (crm: CrmName, accountId: string) => {
    const mine = countsByAccount.get(crm);
    const rows = mine?.get(accountId);
    if (!rows) return;
    for (const row of rows) tables.contactDomains.remove(row.domain, row);
    mine!.delete(accountId);
  };

  // An account's keys are recomputed from its record to unfile it (an update or a removal),
  // rather than kept for a million accounts that will mostly never change.
  const unfile = (slot: number, entry: AccountEntry) => {
    for (const d of entry.domains) {
      tables.byDomain.remove(d, slot);
      if (!tables.byDomain.has(d)) {
        const base = baseLabel(d);
        if (base !== undefined) tables.byBase.remove(base, d);
      }
    }
    for (const h of entry.hosts) tables.byHost.remove(h, slot);
    for (const p of entry.parents) tables.byParent.remove(p, slot);
    tables.names.remove(slot);
  };
  const file = (slot: number, entry: AccountEntry) => {
    for (const d of entry.domains) {
      if (!tables.byDomain.has(d)) {
        const base = baseLabel(d);
        if (base !== undefined) tables.byBase.add(base, d);
      }
      tables.byDomain.add(d, slot);
    }
    for (const h of entry.hosts) tables.byHost.add(h, slot);
    for (const p of entry.parents) tables.byParent.add(p, slot);
    tables.names.add(slot, entry.name);
  };
  const unfileSlot = (slot: number) => {
    const old = tables.accounts.at(slot);
    if (old) unfile(slot, toEntry(old, tables.names.nameOf(slot)));
  };

  return {
    get size() {
      return tables.accounts.size;
    },
    upsert(record: AccountRecord) {
      const slot = tables.accounts.slotOf(record.crm, record.id);
      if (slot !== undefined) unfileSlot(slot);
      file(tables.accounts.put(record), toEntry(record));
    },
    remove(crm: CrmName, id: string) {
      const slot = tables.accounts.slotOf(crm, id);
      if (slot === undefined) return;
      unfileSlot(slot);
      tables.accounts.delete(crm, id);
    },
    /** Replaces the whole contact-domain table (the mirror recomputes it from its contacts). */
    setContactDomains(rows: readonly ContactDomainCount[]) {
      tables.contactDomains.clear();
      countsByAccount.clear();
      for (const row of rows) addCount(row);
    },
    replaceContactDomains(crm: CrmName, accountIds: readonly string[], rows: readonly ContactDomainCount[]) {
      for (const id of accountIds) dropCounts(crm, id);
      for (const row of rows) addCount(row);
    },
    contactDomainCounts(domain: string): readonly ContactDomainCount[] {
      return tables.contactDomains.get(domain.trim().toLowerCase()) ?? [];
    },
    match(lead: Lead, options?: MatchOptions): AccountMatch | undefined {
      return matchLead(lead, tables, options ?? defaults);
    },
    setPeople: (rows: readonly PersonRecord[]) => people.replaceAll(rows),
    upsertPerson: (row: PersonRecord) => people.upsert(row),
    removePerson: (crm: CrmName, kind: PersonRecord['kind'], id: string) => people.remove(crm, kind, id),
    findPeople: (email: string) => people.find(email),
  };
}
