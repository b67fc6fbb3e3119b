// The seam between the account mirror (Postgres rows kept current from the CRM: src/db, pipeline,
// connectors) and account matching (pure, in-memory, this folder). The mirror hands records to an
// AccountIndex; the pipeline asks the index for a lead's match before routing and passes the
// result to decide (routing stays pure: it never holds the index).
import type { CrmName, Lead } from '../lead/index.js';
import type { MatchOptions } from './match-options.js';

/** One CRM account (Salesforce Account, HubSpot company) as the mirror stores it. */
export interface AccountRecord {
  crm: CrmName;
  /** The CRM's id (Salesforce 18-char Id, HubSpot company id). */
  id: string;
  name: string | null;
  /** Raw website / domain values from the CRM (HubSpot domain + additional domains; Salesforce Website). */
  websites: readonly string[];
  /** The CRM owner id (Salesforce OwnerId, HubSpot hubspot_owner_id). */
  ownerCrmId: string | null;
  parentId: string | null;
  recordType: string | null;
  /** Epoch ms, or null when the CRM has none. */
  lastActivityAt: number | null;
  createdAt: number | null;
  contacts: number;
  opportunities: number;
  children: number;
  /** Other fields rules may test as account.custom.<name> (industry, tier, country...). */
  fields: Readonly<Record<string, unknown>>;
  /** Account team (Salesforce AccountTeamMember; HubSpot companies have none): a rule may route to a role. */
  team?: readonly AccountTeamMember[];
}

/** One member of an account's team: their role and CRM user id. */
export interface AccountTeamMember {
  role: string;
  userCrmId: string;
}

/** How many of an account's contacts have an email at this domain (the dominant-account signal). */
export interface ContactDomainCount {
  crm: CrmName;
  accountId: string;
  domain: string;
  contacts: number;
}

/** The in-memory index the mirror keeps current and the pipeline asks before routing. */
export interface AccountIndex {
  readonly size: number;
  upsert(record: AccountRecord): void;
  remove(crm: CrmName, id: string): void;
  setContactDomains(rows: readonly ContactDomainCount[]): void;
  /**
   * Replaces these accounts' contact-domain counts with `rows` (every count the mirror holds for
   * them now; none = they have no contacts with a domain). For pages of a load and for contact
   * changes, where setContactDomains would drop every other account's counts.
   */
  replaceContactDomains(crm: CrmName, accountIds: readonly string[], rows: readonly ContactDomainCount[]): void;
  /** The per-account counts held for one email domain (what the dominant-account step reads). */
  contactDomainCounts(domain: string): readonly ContactDomainCount[];
}

/** How a lead's account was found (the decision trace names it). */
export type AccountMatchMethod = 'website' | 'email_domain' | 'contact_domain' | 'cross_tld' | 'name';

/** The account the pipeline found for a lead, passed to routing beside the lead. */
export interface AccountMatch {
  account: AccountRecord;
  method: AccountMatchMethod;
  /** The registrable domain (or normalized name) that matched. */
  key: string;
  /** Ids of every account that matched the key, the winner first. */
  candidates: readonly string[];
  /** The tie-break that decided among several candidates, if any. */
  tieBreak?: string;
  /** 0..1: how sure the method is (exact website 1, name similarity its score). */
  confidence: number;
  /** The lead's own domain or name that was looked up, before normalization ("eu.acme.com"). */
  leadValue?: string;
  /** With rollUpToParent: the hierarchy's top account, whose owner the lead goes to. */
  ultimateParent?: AccountRecord;
}

/** A CRM contact or lead the mirror knows by email (existing-record routing). */
export interface PersonRecord {
  crm: CrmName;
  kind: 'contact' | 'lead';
  id: string;
  /** Lower-cased email address. */
  email: string;
  ownerCrmId: string | null;
}

/** An index that can also answer: the mirror keeps it current, the pipeline asks it. */
export interface AccountMatcher extends AccountIndex {
  /** options: the admin's matching settings (routing.accountMatching); absent = the index's defaults. */
  match(lead: Lead, options?: MatchOptions): AccountMatch | undefined;
  /** Existing records by email: replace them all, or keep one current. Optional: a mirror without people has none. */
  setPeople?(rows: readonly PersonRecord[]): void;
  upsertPerson?(row: PersonRecord): void;
  removePerson?(crm: CrmName, kind: PersonRecord['kind'], id: string): void;
  /** Contacts and leads with this email, contacts first, then by id. */
  findPeople?(email: string): readonly PersonRecord[];
}
