// What a sender may put in a string that Postgres cannot store, found (with its path) and escaped.
// Postgres refuses a NUL character in text and jsonb ("unsupported Unicode escape sequence"),
// and a lone UTF-16 surrogate in jsonb (JSON.stringify writes it as "\ud800", which is not a
// character). Deep nesting is the third: JSON.stringify and Postgres' jsonb parser both recurse,
// so a 100,000-level array overflows the stack and answers 500. JSON.parse does not recurse,
// so such a body parses fine and must be refused after parsing, with a path.
//
// Our JSON APIs refuse such input with 400 (src/http/parse.ts). A CRM batch stores the rest of
// the batch and keeps the bad item escaped (toStorable), marked refused (src/pipeline/ingest.ts).
// Pure; imports nothing of ours, so connectors may use it as they use src/errors.ts.

/** Deeper than this is refused: config documents nest about 10 levels, leads 3. */
export const maxJsonDepth = 64;

export interface UnstorableIssue {
  /** Path of the bad value (or of the object holding a bad key), from the value's root. */
  path: PropertyKey[];
  message: string;
}

const NUL = '\u0000';
// A high surrogate not followed by a low one, or a low one not preceded by a high one. No `u`
// flag: the pattern must see UTF-16 code units. (String#isWellFormed is ES2024, past our lib.)
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const loneSurrogates = new RegExp(loneSurrogate.source, 'g');
const messages = {
  nul: 'contains a NUL character (\\u0000), which cannot be stored',
  surrogate: 'contains a lone UTF-16 surrogate, which is not valid Unicode',
  keyNul: 'has a key with a NUL character (\\u0000), which cannot be stored',
  keySurrogate: 'has a key with a lone UTF-16 surrogate, which is not valid Unicode',
  deep: `is nested deeper than ${maxJsonDepth} levels`,
};

function stringProblem(s: string): 'nul' | 'surrogate' | undefined {
  if (s.includes(NUL)) return 'nul';
  if (loneSurrogate.test(s)) return 'surrogate';
  return undefined;
}

/** Whether one string can be stored as it is. */
export function isStorableString(s: string): boolean {
  return stringProblem(s) === undefined;
}

/**
 * Every string (value or object key) Postgres would refuse, and every container nested deeper
 * than `maxJsonDepth`, with its path; at most `limit` of them. Iterative, so any depth is safe.
 */
export function findUnstorable(value: unknown, limit = 20): UnstorableIssue[] {
  const issues: UnstorableIssue[] = [];
  // A bad key is pushed as its issue, so issues come out in document order.
  const stack: Array<{ v: unknown; path: PropertyKey[]; keyIssue?: string }> = [{ v: value, path: [] }];
  while (stack.length > 0 && issues.length < limit) {
    const { v, path, keyIssue } = stack.pop()!;
    if (keyIssue) {
      issues.push({ path, message: keyIssue });
      continue;
    }
    if (typeof v === 'string') {
      const p = stringProblem(v);
      if (p) issues.push({ path, message: messages[p] });
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (path.length >= maxJsonDepth) {
      issues.push({ path, message: messages.deep });
      continue;
    }
    const entries: Array<[PropertyKey, unknown]> = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
    // Reversed onto the stack, so issues come out in document order.
    for (let i = entries.length - 1; i >= 0; i--) {
      const [k, x] = entries[i]!;
      if (typeof k === 'string') {
        const p = stringProblem(k);
        if (p) {
          stack.push({
            v: undefined,
            path: [...path, k],
            keyIssue: p === 'nul' ? messages.keyNul : messages.keySurrogate,
          });
          continue;
        }
      }
      stack.push({ v: x, path: [...path, k] });
    }
  }
  return issues.slice(0, limit);
}

/** NUL becomes the six characters `\u0000`; a lone surrogate becomes U+FFFD. */
export function escapeString(s: string): string {
  return s.replaceAll(NUL, '\\u0000').replace(loneSurrogates, '\ufffd');
}

/**
 * A copy Postgres accepts: every string and key escaped (escapeString), and anything nested
 * deeper than `maxJsonDepth` replaced by a note. Kept for refused CRM events, never routed.
 */
export function toStorable(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return escapeString(value);
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= maxJsonDepth) return `[${messages.deep}: cut]`;
  if (Array.isArray(value)) return value.map((x) => toStorable(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(value)) out[escapeString(k)] = toStorable(x, depth + 1);
  return out;
}

/**
 * The exact value as JSON text, in which NUL and lone surrogates are written as escapes
 * (`\u0000`, `\ud800`), so the text itself is storable and JSON.parse gives the original back.
 * Undefined when the value is nested too deep to serialise safely.
 */
export function exactJson(value: unknown): string | undefined {
  if (findUnstorable(value, 1000).some((i) => i.message === messages.deep)) return undefined;
  return JSON.stringify(value);
}
