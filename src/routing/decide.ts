// decide(): one lead in, one decision out. Pure: the config, the routing state the caller
// loaded (and locked, see stateKeys) and the time are passed in; the result says who owns the
// lead, why, and the state change to persist in the same transaction. Same inputs, same output.
import type { Lead } from '../lead/index.js';
import { matchedAccount } from './accounts.js';
import { resolveAction, stickyOwner } from './actions.js';
import { compileConfig, type CompiledRule } from './compile.js';
import type { ConditionInput, LeadingLeaf } from './conditions.js';
import type { RoutingConfig } from './config-schema.js';
import { crmOwnerIdOf } from './crm-owner-id.js';
import { counter, makeContext, mergeNeeds, noNeeds, type DecideContext } from './context.js';
import type { Outcome } from './outcome.js';
import { chargeCaps } from './caps.js';
import { globalLine, lineSeqKey } from './counter-keys.js';
import type {
  CheckTrace,
  Decision,
  DecideOptions,
  DecisionTrace,
  Reason,
  RoutingState,
  RuleTrace,
  StateChange,
} from './types.js';

const noChange = (): StateChange => ({ cursors: {}, counterDeltas: {} });

/**
 * What the rules read. The matched account is looked up once, and only when a condition or action
 * reads it. A class, not an object literal with an arrow: one shape and no closure per decision
 * (under tsx/esbuild's keepNames an arrow in a property is also renamed with defineProperty on
 * every call, which cost decide ~13% with no account rule at all).
 */
class RuleInput implements ConditionInput {
  readonly lead: Lead;
  readonly now: Date;
  readonly #ctx: DecideContext;
  constructor(ctx: DecideContext) {
    this.lead = ctx.lead;
    this.now = ctx.now;
    this.#ctx = ctx;
  }
  account() {
    return matchedAccount(this.#ctx);
  }
}

function firstMatch(
  rules: readonly CompiledRule[],
  input: ConditionInput,
  trace: RuleTrace[],
): CompiledRule | undefined {
  for (const r of rules) {
    if (!r.rule.enabled) {
      trace.push({ ruleId: r.rule.id, matched: false, checks: [], disabled: true });
      continue;
    }
    const first = r.leading;
    if (first !== undefined) {
      const saw = first.get(input.lead);
      const miss = first.misses.get(saw) ?? missOn(first, r.rule.id, saw);
      if (miss !== undefined) {
        trace.push(miss);
        continue;
      }
    }
    const checks: RuleTrace['checks'] = [];
    const matched = r.test(input, checks);
    trace.push({ ruleId: r.rule.id, matched, checks });
    if (matched) return r;
  }
  return undefined;
}

/** The rule's trace entry when its first leaf says no to this value (shared and kept for plain values); undefined when it says yes. */
function missOn(first: LeadingLeaf, ruleId: string, saw: unknown): RuleTrace | undefined {
  if (first.test(saw)) return undefined;
  const check: CheckTrace = { field: first.field, op: first.op, expected: first.expected, saw, result: false };
  const miss: RuleTrace = { ruleId, matched: false, checks: [check] };
  const plain = saw === undefined || saw === null || (typeof saw !== 'object' && typeof saw !== 'function');
  if (plain && first.misses.size < sharedMissesPerRule) {
    Object.freeze(check);
    Object.freeze(miss.checks);
    first.misses.set(saw, Object.freeze(miss));
  }
  return miss;
}

// Enough for countries, industries, tiers; a free-text field (email) stops being kept after this.
const sharedMissesPerRule = 256;

/** Pure: the owner for one lead, with the reasons and the state change to persist. */
export function decide(
  lead: Lead,
  config: RoutingConfig,
  state: RoutingState,
  now: Date,
  options: DecideOptions = {},
): Decision {
  const compiled = compileConfig(config);
  const ctx = makeContext(lead, compiled, state, now, options);
  const reasons: Reason[] = [];
  const trace: DecisionTrace = { rules: [] as RuleTrace[] };

  const matched = firstMatch(compiled.rules, new RuleInput(ctx), trace.rules);
  const action = matched ? matched.rule.action : config.default;
  const ruleId = matched ? matched.rule.id : 'default';
  if (!action) {
    reasons.push({ code: 'NO_RULE_MATCHED' });
    if (ctx.accountTrace) trace.account = ctx.accountTrace;
    return { kind: 'unassigned', code: 'NO_RULE_MATCHED', reasons, trace, stateChange: noChange() };
  }
  reasons.push(matched ? { code: 'RULE_MATCHED', ruleId } : { code: 'DEFAULT_ACTION', ruleId });

  const needs = matched ? mergeNeeds(noNeeds, matched.requiredSkills, matched.rule.requireLanguage) : noNeeds;
  const outcome =
    (matched?.rule.stickyOwner ? stickyOwner(ctx, needs, reasons) : undefined) ??
    resolveAction(action, ctx, needs, reasons);
  if (ctx.picks.length > 0) trace.picks = ctx.picks;
  // The API statuses that changed a rep's availability here, so the decision shows the overlay it used.
  if (ctx.availabilityUsed) trace.availability = ctx.availabilityUsed;
  if (ctx.accountTrace) trace.account = ctx.accountTrace;
  return toDecision(outcome, ruleId, ctx, reasons, trace);
}

const globalSeqKey = lineSeqKey(globalLine);

/** The line hands out its next number and the rep's place becomes it: a delta from the place read, so increments stay the only write. */
function toBackOfLine(ctx: DecideContext, seqKey: string, lastKey: string, deltas: Record<string, number>): void {
  const next = counter(ctx, seqKey) + 1;
  deltas[seqKey] = 1;
  deltas[lastKey] = next - counter(ctx, lastKey);
  // A newcomer's place never reads 0 again (0 means "no place yet" to round robin).
}

// Built without object spread: this runs once per lead and spreads showed up in the profile.
function toDecision(
  o: Outcome,
  ruleId: string,
  ctx: DecideContext,
  reasons: Reason[],
  trace: Decision['trace'],
): Decision {
  let d: Decision;
  switch (o.kind) {
    case 'none':
      d = { kind: 'unassigned', code: o.code, ruleId, reasons, trace, stateChange: noChange() };
      break;
    case 'skip':
      return {
        kind: 'skipped',
        code: 'SKIPPED',
        ruleId,
        skipReason: o.reason,
        reasons,
        trace,
        stateChange: noChange(),
      };
    case 'queued':
      return {
        kind: 'queued',
        code: 'QUEUED',
        ruleId,
        poolId: o.poolId,
        queuedUntil: o.queuedUntil,
        reasons,
        trace,
        stateChange: noChange(),
      };
    case 'queue':
      d = {
        kind: 'assigned',
        ownerId: o.queue.id,
        ownerKind: 'queue',
        crmOwnerId: o.crmOwnerId,
        code: 'CRM_QUEUE',
        ruleId,
        reasons,
        trace,
        stateChange: noChange(),
      };
      break;
    case 'rep': {
      const rep = o.rep;
      const counterDeltas: Record<string, number> = o.counterDeltas ?? {};
      counterDeltas[rep.openKey] = (counterDeltas[rep.openKey] ?? 0) + 1;
      if (!o.uncapped) chargeCaps(rep, rep.clock!.at(ctx.now), ctx.nowMs, counterDeltas); // checkRep already refused reps without a valid zone
      if (!o.movedGlobal) toBackOfLine(ctx, globalSeqKey, rep.globalLastKey, counterDeltas);
      if (o.line) toBackOfLine(ctx, o.line.seqKey, o.line.lastKey, counterDeltas);
      const crmOwnerId = crmOwnerIdOf(rep.rep, ctx.crm)!;
      d = {
        kind: 'assigned',
        ownerId: rep.id,
        ownerKind: 'rep',
        crmOwnerId,
        code: o.code,
        ruleId,
        reasons,
        trace,
        stateChange: { cursors: {}, counterDeltas },
      };
      break;
    }
  }
  if (o.poolId !== undefined) d.poolId = o.poolId;
  return d;
}
