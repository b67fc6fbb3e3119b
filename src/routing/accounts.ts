// The lead's account, looked up once per decision: a config account (routing.accounts, matched
// here by the same matcher the CRM mirror uses, so there is one way to match) wins, else the CRM
// account the pipeline matched in its mirror and passed in DecideOptions.account. Routing never
// holds the mirror's index: the match travels as a value.
import type { AccountMatch, AccountRecord } from '../accounts/index.js';
import { toCountryCode, type Lead } from '../lead/index.js';
import type { AccountView } from './account-fields.js';
import type { CompiledConfig, CompiledRep } from './compile.js';
import type { DecideContext } from './context.js';
import type { AccountTrace } from './types.js';

const noFields: Readonly<Record<string, unknown>> = Object.freeze({});

/** A field by its name, else by the same name in any case (Salesforce Industry, HubSpot industry). */
export function fieldOf(fields: Readonly<Record<string, unknown>>, name: string): unknown {
  if (name in fields) return fields[name];
  const lower = name.toLowerCase();
  for (const k in fields) if (k.toLowerCase() === lower) return fields[k];
  return undefined;
}

/** Our rep for a CRM user id in the account's CRM (config accounts hold rep ids). */
export function repForCrmUser(
  compiled: CompiledConfig,
  record: AccountRecord,
  userId: string,
): CompiledRep | undefined {
  return compiled.repsByCrmId[record.crm].get(userId);
}

function viewOf(match: AccountMatch, compiled: CompiledConfig, source: 'config' | 'crm'): AccountView {
  const owning = match.ultimateParent ?? match.account;
  const ownerCrmId = owning.ownerCrmId ?? undefined;
  const owner = source === 'config' ? ownerCrmId : ownerCrmId && repForCrmUser(compiled, owning, ownerCrmId)?.id;
  const fields = match.account.fields ?? noFields;
  const country = fieldOf(fields, 'country') ?? fieldOf(fields, 'billingCountry');
  return {
    source,
    id: match.account.id,
    name: match.account.name ?? undefined,
    owner,
    ownerCrmId,
    domain: match.key,
    domains: match.account.websites,
    industry: fieldOf(fields, 'industry'),
    tier: fieldOf(fields, 'tier'),
    country: typeof country === 'string' ? (toCountryCode(country) ?? country) : country,
    method: match.method,
    confidence: match.confidence,
    custom: fields,
    record: source === 'crm' ? match.account : undefined,
    match,
  };
}

function traceOf(view: AccountView | undefined): AccountTrace {
  if (!view) return { matched: false };
  const m = view.match;
  const t: AccountTrace = {
    matched: true,
    source: view.source,
    accountId: view.id,
    method: m.method,
    key: m.key,
    candidates: m.candidates,
    confidence: m.confidence,
  };
  if (m.leadValue !== undefined) t.leadValue = m.leadValue;
  if (m.tieBreak !== undefined) t.tieBreak = m.tieBreak;
  if (m.ultimateParent) t.ultimateParentId = m.ultimateParent.id;
  return t;
}

export function findAccount(lead: Lead, compiled: CompiledConfig, crmMatch: AccountMatch | undefined) {
  const fromConfig = compiled.configAccounts?.match(lead, compiled.matchOptions);
  if (fromConfig) return viewOf(fromConfig, compiled, 'config');
  return crmMatch ? viewOf(crmMatch, compiled, 'crm') : undefined;
}

/** The matched account, looked up on first use and recorded for the trace. */
export function matchedAccount(ctx: DecideContext): AccountView | undefined {
  if (ctx.accountTrace === undefined) {
    ctx.account = findAccount(ctx.lead, ctx.compiled, ctx.options.account);
    ctx.accountTrace = traceOf(ctx.account);
  }
  return ctx.account;
}
