// Per-request loggers made only when a line is written. Fastify makes a child logger for every
// request and intake adds the stored event ids as a second one (log-ids.ts); with pino's redact
// paths each child runs the redaction over its bindings when it is made. At LOG_LEVEL=warn a
// request that goes well writes no line, and that was ~5% of `serve`'s CPU per lead at 1,000
// leads/s (bench:intake profile). Here the child is made on the first line at an enabled level,
// and a child of a child not made yet merges the bindings into one pino child: the same lines,
// the same redaction, one child instead of two even when it is written.
import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, Level, LevelWithSilentOrString } from 'pino';

type Parent = FastifyBaseLogger & { isLevelEnabled(level: LevelWithSilentOrString): boolean };
const levels: Level[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

export function lazyChild(parent: Parent, bindings: Bindings, opts?: ChildLoggerOptions): FastifyBaseLogger {
  const plain = !opts || Object.keys(opts).length === 0;
  let made: FastifyBaseLogger | undefined;
  const make = () => (made ??= plain ? parent.child(bindings) : parent.child(bindings, opts));
  const log = {
    get level() {
      return made?.level ?? parent.level;
    },
    set level(value: string) {
      make().level = value;
    },
    silent: () => {},
    isLevelEnabled: (level: LevelWithSilentOrString) =>
      made && 'isLevelEnabled' in made ? (made as Parent).isLevelEnabled(level) : parent.isLevelEnabled(level),
    child: (more: Bindings, moreOpts?: ChildLoggerOptions): FastifyBaseLogger =>
      !made && plain && (!moreOpts || Object.keys(moreOpts).length === 0)
        ? lazyChild(parent, { ...bindings, ...more })
        : lazyChild(make() as Parent, more, moreOpts),
  } as unknown as Parent;
  for (const level of levels) {
    log[level] = ((...args: Parameters<FastifyBaseLogger['info']>) => {
      if (log.isLevelEnabled(level)) make()[level](...args);
    }) as FastifyBaseLogger['info'];
  }
  return log;
}
