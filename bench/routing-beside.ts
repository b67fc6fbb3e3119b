// The routing load of bench:intake-baseline --routing-beside: API leads at RATE a second (default
// 1,000) stored straight through the pipeline (ingestApiLead: no HTTP, no `serve`), whatever arrived
// in the last 30 ms in one statement, on DATABASE_URL, for a `worker` on the same database to route.
// It is what the worker does beside `serve` in bench:intake, at the cost of one INSERT per 30 ms.
import { parseEnv } from '../src/config/env.js';
import { ingestApiLead } from '../src/pipeline/index.js';
import { openRuntime } from '../src/runtime.js';

const rate = Number(process.env.RATE ?? 1000);
const rt = await openRuntime(parseEnv(process.env), { command: 'serve' });
const t0 = performance.now();
let n = 0;
const timer = setInterval(() => {
  for (const due = Math.floor(((performance.now() - t0) * rate) / 1000); n < due; n++)
    void ingestApiLead(rt.deps, {
      source: 'beside',
      idempotencyKey: `beside-${n}`,
      lead: { email: `lead${n}@acme.example`, country: 'DE', score: n % 100 },
    });
}, 30);
process.on('SIGTERM', () => {
  clearInterval(timer);
  void rt.close().then(() => process.exit(0));
});
