import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { lazyChild } from '../../../src/http/lazy-logger.js';
import { createLogger } from '../../../src/logger.js';

function capture(level: string) {
  const lines: Array<Record<string, unknown>> = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger({ level }, out);
  let children = 0;
  const child = logger.child.bind(logger);
  logger.child = ((...args: Parameters<typeof child>) => {
    children++;
    return child(...args);
  }) as typeof logger.child;
  return { logger, lines, children: () => children };
}

describe('lazyChild (per-request loggers made on the first line written)', () => {
  it('writes the same lines, with every binding, through one pino child for a child of a child', () => {
    const { logger, lines, children } = capture('info');
    const req = lazyChild(logger, { requestId: 'r-1' }, {});
    const withIds = req.child({ eventId: 'e-1' });
    withIds.info({ status: 202 }, 'request completed');
    expect(lines).toMatchObject([{ requestId: 'r-1', eventId: 'e-1', status: 202, msg: 'request completed' }]);
    expect(children()).toBe(1);
  });

  it('makes no child while nothing is written at an enabled level, and still redacts what is', () => {
    const { logger, lines, children } = capture('warn');
    const req = lazyChild(logger, { requestId: 'r-2' }, {}).child({ eventId: 'e-2' });
    req.info('not written');
    expect(children()).toBe(0);
    req.warn({ call: { headers: { authorization: 'Bearer secret-token' } } }, 'written');
    expect(children()).toBe(1);
    expect(lines).toMatchObject([
      { requestId: 'r-2', eventId: 'e-2', call: { headers: { authorization: '[redacted]' } } },
    ]);
  });
});
