// Transforms return a Fail instead of throwing: the hot path stays branch-cheap, and a
// failure carries the reason into the TRANSFORM_FAILED warning without a stack trace.
export class Fail {
  constructor(readonly reason: string) {}
}

/** One step of a chain: a value in, a value (undefined = empty) or a Fail out. */
export type Step = (value: unknown) => unknown;

/** Empty values end a chain quietly: the CRM simply has nothing in that field. */
export function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

/** A short, never-throwing rendering of a raw value for a warning message. */
export function describe(value: unknown): string {
  let text: string;
  try {
    text =
      typeof value === 'string'
        ? `"${value}"`
        : typeof value === 'bigint'
          ? `${value}`
          : (JSON.stringify(value) ?? typeof value);
  } catch {
    text = Object.prototype.toString.call(value); // a cycle: say what it is, not what is in it
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
