// Per-request loggers made only when a line is written. Fastify makes a child logger for every
// request and intake adds the stored event ids as a second one (log-ids.ts); with pino's redact
// paths each child runs the redaction over its bindings when it is made. At LOG_LEVEL=warn a
// request that goes well writes no line, and that was ~5% of `serve`'s CPU per lead at 1,000
// leads/s (bench:intake profile). Here the child is made on the first line at an enabled level,
// and a child of a child not made yet merges the bindings into one pino child: the same lines,
// the same redaction, one child instead of two even when it is written.
// A class, so the methods live once on its prototype: an object literal with a closure per level
// cost ~0.75 KB per logger, two per request, and they outlived the young generation (a keep-alive
// socket holds its last request until the next): a third of what `serve` promoted to the old space
// at 1,000 leads/s (sampling heap profile of the objects no scavenge collected).
import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, LevelWithSilentOrString } from 'pino';

type Parent = FastifyBaseLogger & { isLevelEnabled(level: LevelWithSilentOrString): boolean };
type LogArgs = Parameters<FastifyBaseLogger['info']>;

class LazyLogger {
  #made: FastifyBaseLogger | undefined;
  readonly #parent: Parent;
  readonly #bindings: Bindings;
  readonly #opts: ChildLoggerOptions | undefined;

  constructor(parent: Parent, bindings: Bindings, opts?: ChildLoggerOptions) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#opts = isPlain(opts) ? undefined : opts;
  }

  #make(): FastifyBaseLogger {
    return (this.#made ??= this.#opts
      ? this.#parent.child(this.#bindings, this.#opts)
      : this.#parent.child(this.#bindings));
  }

  get level(): string {
    return this.#made?.level ?? this.#parent.level;
  }

  set level(value: string) {
    this.#make().level = value;
  }

  silent(): void {}

  isLevelEnabled(level: LevelWithSilentOrString): boolean {
    const made = this.#made;
    return made && 'isLevelEnabled' in made
      ? (made as Parent).isLevelEnabled(level)
      : this.#parent.isLevelEnabled(level);
  }

  child(more: Bindings, moreOpts?: ChildLoggerOptions): FastifyBaseLogger {
    return !this.#made && !this.#opts && isPlain(moreOpts)
      ? lazyChild(this.#parent, { ...this.#bindings, ...more })
      : lazyChild(this.#make() as Parent, more, moreOpts);
  }

  #line(level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace', args: LogArgs): void {
    if (this.isLevelEnabled(level)) this.#make()[level](...args);
  }

  fatal(...args: LogArgs): void {
    this.#line('fatal', args);
  }
  error(...args: LogArgs): void {
    this.#line('error', args);
  }
  warn(...args: LogArgs): void {
    this.#line('warn', args);
  }
  info(...args: LogArgs): void {
    this.#line('info', args);
  }
  debug(...args: LogArgs): void {
    this.#line('debug', args);
  }
  trace(...args: LogArgs): void {
    this.#line('trace', args);
  }
}

const isPlain = (opts: ChildLoggerOptions | undefined) => !opts || Object.keys(opts).length === 0;

export function lazyChild(parent: Parent, bindings: Bindings, opts?: ChildLoggerOptions): FastifyBaseLogger {
  return new LazyLogger(parent, bindings, opts) as unknown as FastifyBaseLogger;
}
