// Rule conditions on the matched account: `account` (exists / empty: is there a matched account)
// and `account.<name>`. Accounts are config entries today (routing.accounts, matched by the
// lead's domain); the field names are those a CRM account will have too (id, name, owner,
// domains), and `account.custom.<name>` reads the account's own fields once accounts come from
// the CRM (none today, so such a leaf sees a missing value).
/** What a condition sees of the matched account. */
export interface AccountView {
  id: string;
  name: string | undefined;
  /** Rep id of the account owner. */
  owner: string;
  /** The lead's domain that matched. */
  domain: string;
  domains: readonly string[];
  custom: Readonly<Record<string, unknown>>;
}

export const accountFieldNames = [
  'account',
  'account.id',
  'account.name',
  'account.owner',
  'account.domain',
  'account.domains',
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
  if (field.startsWith(accountCustomPrefix)) {
    const name = field.slice(accountCustomPrefix.length);
    return (a) => a?.custom[name];
  }
  const key = field.slice('account.'.length) as keyof AccountView;
  return (a) => a?.[key];
}
