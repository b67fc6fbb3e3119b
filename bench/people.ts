// npm run bench:people [-- --people N] [--lookups L]
// The existingOwner index at size: fills an account index's people (src/accounts/people.ts) with N
// (1,000,000) synthetic CRM people as loadAccountIndex does (pages of 5,000 rows, each row's
// strings new, as node-postgres hands them over), then looks emails up. 80% Salesforce/HubSpot
// contacts, 20% leads, 5% of people sharing another's email (a contact that is also a lead), 300
// owners. Prints ONE JSON object: people_rss_mb is the RSS the people added (after a GC), with the
// heap figure beside it, build time and lookup p50/p99 (wall and CPU), and the load average.
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createAccountIndex, type PersonRecord } from '../src/accounts/index.js';

const { values } = parseArgs({
  options: { people: { type: 'string', default: '1000000' }, lookups: { type: 'string', default: '100000' } },
});
const total = Number(values.people);
const lookups = Number(values.lookups);

const first = ['ana', 'bo', 'cy', 'dana', 'eli', 'fay', 'gus', 'hana', 'ivo', 'jo', 'kim', 'lea', 'max', 'nia'];
const last = ['silva', 'berg', 'novak', 'okafor', 'tanaka', 'meyer', 'rossi', 'dubois', 'kowalski', 'smith'];
// A row as a page from Postgres gives it: fresh strings for every field.
function person(i: number): PersonRecord {
  const shared = i % 20 === 19; // 5%: the email of person i - 1 (a contact that is also a lead)
  const n = shared ? i - 1 : i;
  const email = `${first[n % first.length]}.${last[(n >> 4) % last.length]}${n}@company${n % 50_000}.example`;
  const crm = i % 3 === 0 ? 'hubspot' : 'salesforce';
  const kind = shared || i % 5 === 4 ? 'lead' : 'contact';
  const id =
    crm === 'hubspot'
      ? String(100_000_000 + i)
      : `${kind === 'lead' ? '00Q' : '003'}5g${String(i).padStart(10, '0')}AAA`;
  const owner = crm === 'hubspot' ? String(41_000_000 + (i % 300)) : `0055g${String(i % 300).padStart(10, '0')}AAA`;
  return { crm, kind, id, email: `${email}`, ownerCrmId: `${owner}` };
}

const gc = () => (global as { gc?: () => void }).gc?.();
gc();
const before = process.memoryUsage();
const index = createAccountIndex();
let buildNs = 0n;
let buildCpuUs = 0;
for (let start = 0; start < total; start += 5_000) {
  const page: PersonRecord[] = [];
  for (let i = start; i < Math.min(total, start + 5_000); i++) page.push(person(i));
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (const p of page) index.upsertPerson!(p);
  buildNs += process.hrtime.bigint() - t0;
  const c = process.cpuUsage(c0);
  buildCpuUs += c.user + c.system;
}
gc();
const after = process.memoryUsage();

const wall = new Float64Array(lookups);
const cpu = new Float64Array(lookups);
let found = 0;
for (let k = 0; k < lookups; k++) {
  const i = (k * 7_919) % total;
  // Half the lookups are people we have (upper-cased, as a form sends them), half are not.
  const email = k % 2 === 0 ? person(i).email.toUpperCase() : `nobody${k}@nowhere.example`;
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  if (index.findPeople!(email).length > 0) found++;
  wall[k] = Number(process.hrtime.bigint() - t0) / 1e6;
  const c = process.cpuUsage(c0);
  cpu[k] = (c.user + c.system) / 1000;
}
const pct = (xs: Float64Array, p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Number(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!.toFixed(4));
};
const mb = (b: number) => Math.round(b / 1_048_576);

console.log(
  JSON.stringify({
    bench: 'people',
    people: total,
    build_s: Number((Number(buildNs) / 1e9).toFixed(2)),
    build_cpu_s: Number((buildCpuUs / 1e6).toFixed(2)),
    people_rss_mb: mb(after.rss - before.rss),
    people_heap_mb: mb(after.heapUsed - before.heapUsed),
    rss_mb: mb(after.rss),
    bytes_per_person: Math.round((after.heapUsed - before.heapUsed) / total),
    lookups,
    found,
    find_p50_ms: pct(wall, 50),
    find_p99_ms: pct(wall, 99),
    find_cpu_p99_ms: pct(cpu, 99),
    load_average_1m: Number(loadavg()[0]!.toFixed(1)),
    cores: availableParallelism(),
  }),
);
