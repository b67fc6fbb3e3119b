import { describe, expect, it } from 'vitest';
import { escapeString, exactJson, findUnstorable, maxJsonDepth, toStorable } from '../../src/storable-text.js';

const nested = (depth: number): unknown => {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = [v];
  return v;
};

describe('findUnstorable: what Postgres cannot store, with its path', () => {
  it('finds a NUL and lone surrogates (high and low) in values and keys, in document order', () => {
    const value = {
      lead: { email: 'a\u0000b@x.example', tags: ['ok', 'x\ud800'], ['k\u0000']: 1 },
      low: '\udc00y',
      pair: '😀',
    };
    expect(findUnstorable(value)).toEqual([
      { path: ['lead', 'email'], message: 'contains a NUL character (\\u0000), which cannot be stored' },
      { path: ['lead', 'tags', 1], message: 'contains a lone UTF-16 surrogate, which is not valid Unicode' },
      { path: ['lead', 'k\u0000'], message: 'has a key with a NUL character (\\u0000), which cannot be stored' },
      { path: ['low'], message: 'contains a lone UTF-16 surrogate, which is not valid Unicode' },
    ]);
  });

  it('accepts ordinary text, emoji (a surrogate pair), numbers, null', () => {
    expect(findUnstorable({ a: 'Grüße 😀', b: [1, null, true], c: '' })).toEqual([]);
  });

  it(`refuses nesting past ${maxJsonDepth} levels without recursing (100,000 levels is safe)`, () => {
    expect(findUnstorable(nested(maxJsonDepth))).toEqual([]);
    const deep = findUnstorable(nested(100_000));
    expect(deep).toHaveLength(1);
    expect(deep[0]!.path).toHaveLength(maxJsonDepth);
    expect(deep[0]!.message).toBe(`is nested deeper than ${maxJsonDepth} levels`);
  });
});

describe('toStorable / exactJson: a refused item kept in a form Postgres accepts', () => {
  it('escapes NUL as the text \\u0000 and a lone surrogate as U+FFFD, keys too', () => {
    expect(escapeString('a\u0000b\ud800c😀')).toBe('a\\u0000b\ufffdc😀');
    expect(toStorable({ ['k\u0000']: ['x\udc00'] })).toEqual({ 'k\\u0000': ['x\ufffd'] });
    expect(findUnstorable(toStorable({ a: 'x\u0000', b: nested(1000) }))).toEqual([]);
  });

  it('keeps the exact original as JSON text whose escapes give it back', () => {
    const original = { email: 'a\u0000b', name: 'x\ud800' };
    const text = exactJson(original)!;
    expect(findUnstorable(text)).toEqual([]);
    expect(JSON.parse(text)).toEqual(original);
    expect(exactJson(nested(100_000))).toBeUndefined();
  });
});
