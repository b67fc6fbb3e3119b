import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { routingConfigSchema, validateRoutingConfig } from '../../../src/routing/index.js';
import { validateSyncConfig } from '../../../src/sync/index.js';

const base = {
  reps: [{ id: 'ana' }, { id: 'boss', active: false }],
  rules: [{ id: 'all', when: { match: 'always' }, action: { pool: 'p' } }],
};
const pool = (extra: object = {}) => ({ id: 'p', strategy: 'round_robin', members: ['ana'], ...extra });
const issues = (input: unknown) => {
  const r = routingConfigSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => [i.path.join('.'), i.message]);
};

describe('config additions for sync', () => {
  it('leaves a config without them as it was: no sync, conflictPolicy or sla keys appear', () => {
    const sample = routingConfigSchema.parse(parse(readFileSync('fixtures/routing/sample.yaml', 'utf8')));
    expect(sample.sync).toBeUndefined();
    expect(sample.pools.every((p) => p.conflictPolicy === undefined && p.sla === undefined)).toBe(true);
    expect(sample.rules.every((r) => r.conflictPolicy === undefined)).toBe(true);
  });

  it('fills defaults: sync -> crm_wins and 120 s, router_wins -> one revert', () => {
    const c = routingConfigSchema.parse({
      ...base,
      pools: [pool({ conflictPolicy: { policy: 'router_wins' } })],
      sync: {},
    });
    expect(c.sync).toEqual({ conflictPolicy: { policy: 'crm_wins' }, echoWindowSeconds: 120, closedWhen: [] });
    expect(c.pools[0]!.conflictPolicy).toEqual({ policy: 'router_wins', maxReverts: 1 });
  });

  it('reports a wrong policy, a missing lock window and an unknown key by path', () => {
    expect(issues({ ...base, pools: [pool({ conflictPolicy: { policy: 'router_loses' } })] })).toEqual([
      [
        'pools.0.conflictPolicy.policy',
        "Invalid discriminator value. Expected 'crm_wins' | 'router_wins' | 'lock_window'",
      ],
    ]);
    expect(
      issues({
        ...base,
        pools: [pool()],
        rules: [{ ...base.rules[0], conflictPolicy: { policy: 'lock_window' } }],
      }).map(([p]) => p),
    ).toEqual(['rules.0.conflictPolicy.minutes']);
    expect(issues({ ...base, pools: [pool()], sync: { echoWindowSecs: 5 } }).map(([p]) => p)).toEqual(['sync']);
  });

  it('checks the SLA manager reference after the schema', () => {
    const parsed = (managerRepId: string) =>
      routingConfigSchema.parse({ ...base, pools: [pool({ sla: { minutes: 30, managerRepId } })] });
    expect(validateSyncConfig(parsed('nobody'))).toEqual([
      { path: 'routing.pools[0].sla.managerRepId', message: 'names rep "nobody", which does not exist' },
    ]);
    expect(validateSyncConfig(parsed('boss'), 'r')).toEqual([
      { path: 'r.pools[0].sla.managerRepId', message: 'rep "boss" is inactive, so escalations would go nowhere' },
    ]);
    expect(validateSyncConfig(parsed('ana'))).toEqual([]);
    expect(validateRoutingConfig(parsed('ana'))).toEqual([]);
  });
});
