// Work that one process of the fleet should do, not every worker: the connector streams
// (a Salesforce CDC session and SOQL polls per worker would multiply API use and sessions for
// nothing; storage would dedupe the events anyway). The leader holds a Postgres session lock;
// the others try again every `retryMs` and take over within that when the leader's
// connection goes (process killed, network lost: the lock goes with the session).
import type { Lease } from '../db/index.js';
import type { Logger } from '../logger.js';

export interface Leadership {
  /** Resolves after the first attempt: leading and started, or another process leads. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

export function runWhileLeader(opts: {
  name: string;
  tryLease: () => Promise<Lease | undefined>;
  /** Starts the work; resolves with how to stop it. */
  start: () => Promise<() => Promise<void>>;
  retryMs: number;
  logger: Logger;
}): Leadership {
  let stopped = false;
  let requestStop!: () => void;
  const stopRequested = new Promise<'stop'>((resolve) => (requestStop = () => resolve('stop')));
  const nap = async () => {
    let t: NodeJS.Timeout | undefined;
    await Promise.race([stopRequested, new Promise<void>((resolve) => (t = setTimeout(resolve, opts.retryMs)))]);
    clearTimeout(t);
  };
  const log = opts.logger.child({ leadership: opts.name });
  let firstAttempt!: () => void;
  const ready = new Promise<void>((resolve) => (firstAttempt = resolve));

  const loop = (async () => {
    while (!stopped) {
      let lease: Lease | undefined;
      try {
        lease = await opts.tryLease();
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'could not ask for the lead; trying again');
      }
      if (!lease) {
        firstAttempt();
        await nap();
        continue;
      }
      log.info('leading: starting');
      const stopWork = await opts.start();
      firstAttempt();
      const why = await Promise.race([lease.lost.then(() => 'lost' as const), stopRequested]);
      await stopWork();
      await lease.release();
      if (why === 'lost') log.warn('lost the lead (database session gone): stopped; trying again');
    }
  })();

  return {
    ready,
    async stop() {
      stopped = true;
      requestStop();
      await loop;
    },
  };
}
