// Per-decision inputs bundled once, so helpers take one argument instead of six.
import type { CrmName, Lead } from '../lead/index.js';
import type { AccountView } from './account-fields.js';
import { primaryLanguage, type CompiledConfig, type CompiledRep } from './compile.js';
import type { LocalTime } from './local-time.js';
import type { AccountTrace, DecideOptions, PickTrace, RepStatus, RoutingState } from './types.js';

export interface DecideContext {
  lead: Lead;
  crm: CrmName;
  now: Date;
  nowMs: number;
  state: RoutingState;
  compiled: CompiledConfig;
  options: DecideOptions;
  /** The lead's primary language subtag, if it has one. */
  language: string | undefined;
  /** Pool picks made so far (the decision's trace.picks). */
  picks: PickTrace[];
  /** API statuses (state.availability) that made a rep away or cut config time off short, for the trace. */
  availabilityUsed: Record<string, RepStatus> | undefined;
  /** The matched account once looked up (accounts.ts matchedAccount); accountTrace is set by the lookup. */
  account: AccountView | undefined;
  accountTrace: AccountTrace | undefined;
}

/** What a candidate must offer: skills named by the rule and pool, and the lead's language if asked. */
export interface Needs {
  skills: readonly string[];
  language: boolean;
  /** A pool's assignAnyway pass: these availability checks are waived (never skills, caps, inactive). */
  ignore?: ReadonlySet<AvailabilityWaiver>;
}

export type AvailabilityWaiver = 'off_hours' | 'away' | 'holiday';

export const noNeeds: Needs = { skills: [], language: false };

export function mergeNeeds(a: Needs, skills: readonly string[], language: boolean): Needs {
  if (skills.length === 0 && !language) return a;
  const merged: Needs = {
    skills: a.skills.length === 0 ? skills : [...a.skills, ...skills],
    language: a.language || language,
  };
  if (a.ignore) merged.ignore = a.ignore;
  return merged;
}

export function makeContext(
  lead: Lead,
  compiled: CompiledConfig,
  state: RoutingState,
  now: Date,
  options: DecideOptions,
): DecideContext {
  return {
    lead,
    crm: lead.source.crm,
    now,
    nowMs: now.getTime(),
    state,
    compiled,
    options,
    language: lead.language ? primaryLanguage(lead.language) : undefined,
    picks: [],
    availabilityUsed: undefined,
    account: undefined,
    accountTrace: undefined,
  };
}

export function counter(ctx: DecideContext, key: string): number {
  return ctx.state.counters[key] ?? 0;
}

export function localTime(rep: CompiledRep, ctx: DecideContext): LocalTime | undefined {
  return rep.clock?.at(ctx.now);
}
