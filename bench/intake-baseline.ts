// npm run bench:intake-baseline [-- --rate N] [--seconds S]
// The floor bench:intake's ack latency is compared with: the issue's "minimal fastify + pg
// INSERT + BullMQ add handler" (bench/baseline-server.ts, its own process like `serve`), under
// the same fixed-rate generator, on the same Postgres and Redis. bench:intake runs it too, first,
// in the same run: on a shared 2-core machine the floor moves with everything else running.
import { parseArgs } from 'node:util';
import { baselineRun } from './intake-baseline-run.js';

const { values } = parseArgs({
  options: { rate: { type: 'string', default: '1000' }, seconds: { type: 'string', default: '15' } },
});

baselineRun(Number(values.rate), Number(values.seconds)).then(
  (r) => console.log(JSON.stringify(r)),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
