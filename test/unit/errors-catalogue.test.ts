import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

// Every code in src/errors.ts is documented in docs/errors.md, and nothing documented is gone.
it('keeps docs/errors.md and the ErrorCode union in step', () => {
  const src = readFileSync(new URL('../../src/errors.ts', import.meta.url), 'utf8');
  const union = src.slice(src.indexOf('export type ErrorCode'), src.indexOf(';', src.indexOf('export type ErrorCode')));
  const codes = [...union.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]).sort();
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const documented = [...doc.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]).sort();
  expect(codes.length).toBeGreaterThan(5);
  expect(documented).toEqual(codes);
});
