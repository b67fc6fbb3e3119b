// Conditions compiled once per config into closures. Evaluation records every leaf it
// actually tested (field, value seen, result) so the decision can show its working;
// all/any short-circuit, so leaves after the deciding one are not in the trace.
import type { Lead } from '../lead/index.js';
import type { Condition, When } from './condition-schema.js';
import { fieldGetter } from './fields.js';
import { buildTest } from './operators.js';
import type { CheckTrace } from './types.js';

export type CompiledCondition = (lead: Lead, checks: CheckTrace[]) => boolean;

export function compileCondition(c: Condition): CompiledCondition {
  if ('all' in c) {
    const items = c.all.map(compileCondition);
    return (lead, checks) => {
      for (const item of items) if (!item(lead, checks)) return false;
      return true;
    };
  }
  if ('any' in c) {
    const items = c.any.map(compileCondition);
    return (lead, checks) => {
      for (const item of items) if (item(lead, checks)) return true;
      return false;
    };
  }
  if ('not' in c) {
    const inner = compileCondition(c.not);
    return (lead, checks) => !inner(lead, checks);
  }
  const get = fieldGetter(c.field);
  const test = buildTest(c);
  const { field, op } = c;
  const expected = 'value' in c ? c.value : undefined;
  return (lead, checks) => {
    const saw = get(lead);
    const result = test(saw);
    checks.push({ field, op, expected, saw, result });
    return result;
  };
}

const always: CompiledCondition = () => true;

export function compileWhen(when: When): CompiledCondition {
  return 'match' in when ? always : compileCondition(when);
}
