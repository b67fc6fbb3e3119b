// A decision as text for GET /v1/leads/:id/decision and the simulator: what was tested, who
// was passed over and why, who won and why. Built only from the Decision value.
import type { AccountTrace, CandidateTrace, CheckTrace, Decision, PickTrace, Reason } from './types.js';

const show = (v: unknown) => (v === undefined ? '(missing)' : JSON.stringify(v));

function check(c: CheckTrace): string {
  const expected = c.expected === undefined ? '' : ` ${show(c.expected)}`;
  return `${c.field} ${c.op}${expected}: saw ${show(c.saw)} -> ${c.result ? 'yes' : 'no'}`;
}

function reason(r: Reason): string {
  const who = [r.repId && `rep ${r.repId}`, r.poolId && `pool ${r.poolId}`, r.ruleId && `rule ${r.ruleId}`]
    .filter(Boolean)
    .join(', ');
  return `${r.code}${who ? ` (${who})` : ''}${r.detail ? `: ${r.detail}` : ''}`;
}

function figure(c: CandidateTrace): string {
  const parts: string[] = [];
  if (c.priority !== undefined) parts.push(`priority ${c.priority}`);
  if (c.weight !== undefined) parts.push(`weight ${c.weight}`, `credit ${c.credit}`);
  if (c.load !== undefined) parts.push(c.maxOpen !== undefined ? `load ${c.load}/${c.maxOpen}` : `load ${c.load}`);
  if (c.place !== undefined) parts.push(c.place < 1 ? `place ${c.place} (no lead yet)` : `place ${c.place}`);
  return `${c.repId}: ${parts.join(', ')}`;
}

function pick(p: PickTrace): string[] {
  return [
    `  - pool ${p.poolId} (${p.strategy}):`,
    ...p.candidates.map((c) => `      ${figure(c)}`),
    `      -> ${p.winner}: ${p.why}`,
  ];
}

function account(a: AccountTrace): string[] {
  if (!a.matched) return ['  - no account matched'];
  const lines = [
    `  - ${a.source} account ${a.accountId} by ${a.method} ${a.key}${a.leadValue && a.leadValue !== a.key ? ` (lead had ${a.leadValue})` : ''}, confidence ${a.confidence}`,
  ];
  if (a.candidates && a.candidates.length > 1)
    lines.push(`      candidates ${a.candidates.join(', ')}; decided by ${a.tieBreak}`);
  if (a.ultimateParentId) lines.push(`      owner taken from top parent ${a.ultimateParentId}`);
  return lines;
}

function headline(d: Decision): string {
  switch (d.kind) {
    case 'assigned':
      return `Assigned to ${d.ownerKind} ${d.ownerId} (CRM owner ${d.crmOwnerId}) by rule ${d.ruleId}${d.poolId ? ` via pool ${d.poolId}` : ''}: ${d.code}.`;
    case 'skipped':
      return `Skipped by rule ${d.ruleId}: ${d.skipReason}. Not routed; nothing written to the CRM.`;
    case 'queued':
      return `Queued in pool ${d.poolId} by rule ${d.ruleId} until ${d.queuedUntil}: nobody can take it yet.`;
    case 'unassigned':
      return `Unassigned: ${d.code}${d.ruleId ? ` (rule ${d.ruleId})` : ''}${d.poolId ? ` in pool ${d.poolId}` : ''}.`;
  }
}

export function explainDecision(d: Decision): string {
  const lines = [headline(d), '', 'Rules tested:'];
  if (d.trace.rules.length === 0) lines.push('  (none)');
  for (const r of d.trace.rules) {
    if (r.disabled) {
      lines.push(`  - ${r.ruleId}: disabled, skipped`);
      continue;
    }
    lines.push(
      `  - ${r.ruleId}: ${r.matched ? 'MATCHED' : 'no match'}${r.checks.length === 0 && r.matched ? ' (always)' : ''}`,
    );
    for (const c of r.checks) lines.push(`      ${check(c)}`);
  }
  if (d.trace.availability) {
    lines.push('', 'Availability set through the API:');
    for (const [repId, s] of Object.entries(d.trace.availability)) {
      lines.push(
        `  - ${repId}: ${s.status}${s.until ? ` until ${s.until}` : ''} since ${s.since}${s.by ? ` by ${s.by}` : ''}${s.note ? ` (${s.note})` : ''}`,
      );
    }
  }
  if (d.trace.account) lines.push('', 'Account:', ...account(d.trace.account));
  lines.push('', 'Steps:');
  for (const r of d.reasons) lines.push(`  - ${reason(r)}`);
  if (d.trace.picks?.length) {
    lines.push('', 'Candidates weighed:');
    for (const p of d.trace.picks) lines.push(...pick(p));
  }
  return lines.join('\n');
}
