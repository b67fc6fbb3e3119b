// Decisions per second on one core for a config of 50 rules, 40 reps, 5 pools, with state
// applied after every decision as the caller's transaction would. Prints one JSON object.
// decisions_per_s_account_rule: the same with an account rule in front (account.matched and
// account.tier -> account owner), each lead first matched in a 10,000-account index as the
// pipeline does (the match is inside the timed loop).
//   node --import tsx bench/routing-decide.ts
import { createAccountIndex, type AccountMatch } from '../src/accounts/index.js';
import { leadSchema, type Lead } from '../src/lead/index.js';
import {
  decide,
  routingConfigSchema,
  type RoutingConfig,
  type RoutingState,
  type StateChange,
} from '../src/routing/index.js';

const zones = ['Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'Europe/London', 'Asia/Singapore'];
const strategies = [
  'round_robin',
  'weighted_round_robin',
  'least_loaded',
  'round_robin',
  'weighted_round_robin',
] as const;
const countries = ['DE', 'AT', 'CH', 'US', 'CA', 'GB', 'FR', 'SG', 'AU', 'BR'];
const industries = ['software', 'banking', 'retail', 'insurance', 'manufacturing', 'health'];

function buildConfig(): RoutingConfig {
  const reps = Array.from({ length: 40 }, (_, i) => ({
    id: `rep-${i}`,
    crmIds: { hubspot: `${1000 + i}`, salesforce: `005${i}` },
    timeZone: zones[i % zones.length],
    // Around the clock for most, so the bench measures routing, not empty pools.
    ...(i % 8 === 7
      ? {
          workingHours: {
            mon: ['00:00-24:00'],
            tue: ['00:00-24:00'],
            wed: ['00:00-24:00'],
            thu: ['00:00-24:00'],
            fri: ['00:00-24:00'],
          },
        }
      : {}),
    languages: i % 3 === 0 ? ['de', 'en'] : ['en'],
    skills: i % 4 === 0 ? ['enterprise'] : ['smb'],
    weight: 1 + (i % 3),
    capPerDay: 1_000_000,
    maxOpen: 1_000_000,
    ...(i % 10 === 9 ? { away: [{ from: '2026-11-20', to: '2026-11-30' }] } : {}),
  }));
  const pools = strategies.map((strategy, p) => ({
    id: `pool-${p}`,
    strategy,
    members: reps.filter((_, i) => i % 5 === p).map((r) => r.id),
    overflow: [{ pool: `pool-${(p + 1) % 5}` }],
  }));
  const rules = Array.from({ length: 49 }, (_, i) => ({
    id: `rule-${i}`,
    when: {
      all: [
        { field: 'country', op: 'eq', value: countries[i % countries.length] },
        {
          field: 'industry',
          op: 'in',
          value: [industries[i % industries.length], industries[(i + 1) % industries.length]],
        },
        {
          any: [
            { field: 'employeeCount', op: 'gte', value: (i % 5) * 200 },
            { field: 'score', op: 'between', value: [50, 100] },
          ],
        },
      ],
    },
    action: i % 7 === 0 ? { rep: `rep-${i % 40}`, fallback: { pool: `pool-${i % 5}` } } : { pool: `pool-${i % 5}` },
  }));
  rules.push({ id: 'catch-all', when: { match: 'always' } as never, action: { pool: 'pool-0' } });
  return routingConfigSchema.parse({ reps, pools, rules });
}

function buildLeads(n: number): Lead[] {
  return Array.from({ length: n }, (_, i) =>
    leadSchema.parse({
      source: { crm: i % 2 ? 'hubspot' : 'salesforce', objectType: 'contact', id: `L${i}` },
      email: `p${i}@company${i % 97}.com`,
      country: countries[(i * 7) % countries.length],
      industry: industries[(i * 5) % industries.length],
      employeeCount: (i * 37) % 2000,
      score: (i * 13) % 100,
      language: i % 4 ? 'en' : 'de',
    }),
  );
}

function apply(state: RoutingState, change: StateChange) {
  Object.assign(state.cursors, change.cursors);
  for (const key in change.counterDeltas) state.counters[key] = (state.counters[key] ?? 0) + change.counterDeltas[key]!;
}

const config = buildConfig();
const leads = buildLeads(4096);
const start = Date.UTC(2026, 10, 25, 14, 0); // Wednesday afternoon in Europe, morning in the US

const accountIndex = createAccountIndex();
for (let i = 0; i < 10_000; i++)
  accountIndex.upsert({
    crm: i % 2 ? 'hubspot' : 'salesforce',
    id: String(i),
    name: `Company ${i}`,
    // Leads mail from company0..company96.com: the even ones have an account.
    websites: [`https://www.company${i * 2}.com/`],
    ownerCrmId: i % 2 ? `${1000 + (i % 40)}` : `005${i % 40}`,
    parentId: null,
    recordType: null,
    lastActivityAt: null,
    createdAt: null,
    contacts: 0,
    opportunities: 0,
    children: 0,
    fields: { tier: i % 3 ? 'enterprise' : 'smb' },
  });
const accountConfig = routingConfigSchema.parse({
  ...config,
  rules: [
    {
      id: 'accounts',
      when: {
        all: [
          { field: 'account.matched', op: 'eq', value: true },
          { field: 'account.tier', op: 'eq', value: 'enterprise' },
        ],
      },
      action: { accountOwner: true, fallback: { pool: 'pool-1' } },
    },
    ...config.rules,
  ],
});

function run(n: number, state: RoutingState, withAccounts = false): { assigned: number } {
  let assigned = 0;
  const cfg = withAccounts ? accountConfig : config;
  for (let i = 0; i < n; i++) {
    const lead = leads[i & 4095]!;
    let account: AccountMatch | undefined;
    if (withAccounts) account = accountIndex.match(lead, cfg.accountMatching);
    // Leads arrive 1 ms apart: time moves, as it does in production.
    const d = decide(lead, cfg, state, new Date(start + i), account ? { account } : {});
    if (d.kind === 'assigned') assigned++;
    apply(state, d.stateChange);
  }
  return { assigned };
}

run(50_000, { cursors: {}, counters: {} }); // warm up the JIT and the compiled-config cache
const n = 400_000;
const t0 = process.hrtime.bigint();
const cpu0 = process.cpuUsage();
const { assigned } = run(n, { cursors: {}, counters: {} });
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
// CPU time as well as wall time: on a shared machine the wall figure also counts time the
// process waited for a core; the CPU figure is what the engine itself costs.
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
run(50_000, { cursors: {}, counters: {} }, true);
const t1 = process.hrtime.bigint();
const cpu1 = process.cpuUsage();
const withAccounts = run(n, { cursors: {}, counters: {} }, true);
const accountSeconds = Number(process.hrtime.bigint() - t1) / 1e9;
const accountCpu = process.cpuUsage(cpu1);
const accountCpuSeconds = (accountCpu.user + accountCpu.system) / 1e6;

// Fairness: one round-robin pool, 10k leads, every member available.
const rr = routingConfigSchema.parse({
  reps: Array.from({ length: 7 }, (_, i) => ({ id: `r${i}`, crmIds: { hubspot: `${i}` } })),
  pools: [{ id: 'rr', strategy: 'round_robin', members: Array.from({ length: 7 }, (_, i) => `r${i}`) }],
  rules: [{ id: 'all', when: { match: 'always' }, action: { pool: 'rr' } }],
});
const state: RoutingState = { cursors: {}, counters: {} };
const counts = new Map<string, number>();
for (let i = 0; i < 10_000; i++) {
  const d = decide(leads[i & 4095]!, rr, state, new Date(start + i * 1000));
  if (d.kind === 'assigned') counts.set(d.ownerId, (counts.get(d.ownerId) ?? 0) + 1);
  apply(state, d.stateChange);
}
const perRep = [...counts.values()];

console.log(
  JSON.stringify({
    bench: 'routing-decide',
    rules: config.rules.length,
    reps: config.reps.length,
    pools: config.pools.length,
    decisions: n,
    seconds: Number(seconds.toFixed(3)),
    decisions_per_s: Math.round(n / seconds),
    decisions_per_cpu_s: Math.round(n / cpuSeconds),
    assigned_ratio: Number((assigned / n).toFixed(3)),
    decisions_per_s_account_rule: Math.round(n / accountSeconds),
    decisions_per_cpu_s_account_rule: Math.round(n / accountCpuSeconds),
    account_rule_assigned_ratio: Number((withAccounts.assigned / n).toFixed(3)),
    fairness_spread: Math.max(...perRep) - Math.min(...perRep),
    fairness_leads: 10_000,
    fairness_reps: perRep.length,
    node: process.version,
  }),
);
