// Rule conditions on the matched account: `account` (exists / empty), `account.matched` (true /
// false) and `account.<name>`. The account is a config entry (routing.accounts) or a CRM account
// from the mirror (DecideOptions.account); both read the same names. `account.owner` is our rep
// id (the CRM owner mapped through the reps' crmIds; missing when the owner is not one of our
// reps), `account.industry|tier|country` come from the CRM account's fields, and
// `account.custom.<name>` reads any other field.
import type { AccountMatch, AccountRecord } from '../accounts/index.js';

/** What a condition sees of the matched account. */
export interface AccountView {
  source: 'config' | 'crm';
  id: string;
  name: string | undefined;
  /** Rep id of the account owner (after rollUpToParent), undefined when the owner is not one of our reps. */
  owner: string | undefined;
  /** The owner's id in the account's CRM (config accounts: the rep id). */
  ownerCrmId: string | undefined;
  /** The key that matched (registrable domain, base label or normalized name). */
  domain: string;
  domains: readonly string[];
  industry: unknown;
  tier: unknown;
  /** ISO 3166 code when the CRM's value is a country name or code. */
  country: unknown;
  method: string;
  confidence: number;
  custom: Readonly<Record<string, unknown>>;
  /** The matched CRM account (absent for config accounts), for lookup fields and the account team. */
  record: AccountRecord | undefined;
  match: AccountMatch;
}

export const accountFieldNames = [
  'account',
  'account.matched',
  'account.id',
  'account.name',
  'account.owner',
  'account.domain',
  'account.domains',
  'account.industry',
  'account.tier',
  'account.country',
  'account.method',
  'account.confidence',
  'account.source',
] as const;
const accountCustomPrefix = 'account.custom.';

export function isAccountField(field: string): boolean {
  return field === 'account' || field.startsWith('account.');
}

export function isKnownAccountField(field: string): boolean {
  return (
    (accountFieldNames as readonly string[]).includes(field) ||
    (field.startsWith(accountCustomPrefix) && field.length > accountCustomPrefix.length)
  );
}

export type AccountGetter = (account: AccountView | undefined) => unknown;

export function accountFieldGetter(field: string): AccountGetter {
  if (field === 'account') return (a) => a;
  if (field === 'account.matched') return (a) => a !== undefined;
  if (field.startsWith(accountCustomPrefix)) {
    const name = field.slice(accountCustomPrefix.length);
    return (a) => a?.custom[name];
  }
  const key = field.slice('account.'.length) as keyof AccountView;
  return (a) => a?.[key];
}
