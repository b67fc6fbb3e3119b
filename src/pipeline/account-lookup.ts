// Before deciding, the pipeline asks the CRM account mirror (deps.accounts, in memory) for the
// lead's account and for existing contacts/leads with its email, and hands both to decide as
// values: routing stays pure and never holds the index. Config accounts (routing.accounts) are
// matched inside decide by the same matcher and win over the mirror's match.
import { defaultMatchOptions, type AccountMatcher } from '../accounts/index.js';
import type { Lead } from '../lead/index.js';
import type { DecideOptions, RoutingConfig } from '../routing/index.js';

export function accountOptions(
  accounts: AccountMatcher | undefined,
  lead: Lead,
  routing: RoutingConfig,
): Pick<DecideOptions, 'account' | 'existingRecords'> {
  if (!accounts) return {};
  const out: Pick<DecideOptions, 'account' | 'existingRecords'> = {};
  const match = accounts.match(lead, routing.accountMatching ?? defaultMatchOptions);
  if (match) out.account = match;
  const people = lead.email !== undefined && accounts.findPeople ? accounts.findPeople(lead.email) : [];
  if (people.length > 0) out.existingRecords = people;
  return out;
}
