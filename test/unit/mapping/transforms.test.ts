import { describe, expect, it } from 'vitest';
import { mapValue } from './helpers.js';

// Each transform through the real path (applyMapping into custom.out): the value it yields,
// and for bad input the TRANSFORM_FAILED warning naming the field, the transform and the raw value.
function failure(raw: unknown, transforms: Parameters<typeof mapValue>[1], to?: string) {
  const { value, result } = mapValue(raw, transforms, to);
  expect(value).toBeUndefined();
  expect(result.warnings).toHaveLength(1);
  return result.warnings[0]!;
}

describe('text transforms', () => {
  it('trim, lower and upper', () => {
    expect(mapValue('  Ana  ', ['trim']).value).toBe('Ana');
    expect(mapValue(' MiXeD ', ['trim', 'lower']).value).toBe('mixed');
    expect(mapValue('de', ['upper']).value).toBe('DE');
    expect(mapValue(['a ', ' b'], ['trim', 'upper']).value).toEqual(['A', 'B']);
  });

  it('a value that trims to nothing leaves the field out without a warning', () => {
    const { value, result } = mapValue('   ', ['trim']);
    expect(value).toBeUndefined();
    expect(result.warnings).toEqual([]);
  });

  it('lower fails on an object, naming field, transform and raw value', () => {
    expect(failure({ a: 1 }, ['lower'])).toMatchObject({
      code: 'TRANSFORM_FAILED',
      field: 'in',
      target: 'custom.out',
      transform: 'lower',
      raw: { a: 1 },
    });
  });
});

describe('number', () => {
  it.each([
    [42, 42],
    ['42', 42],
    [' 1,200.50 ', 1200.5],
    ['-3.5', -3.5],
    ['1e3', 1000],
    ['.5', 0.5],
  ])('%j -> %j', (raw, expected) => {
    expect(mapValue(raw, ['number']).value).toBe(expected);
  });

  it.each(['12 employees', '1.200,50', '1,20', 'NaN', 'Infinity', true])('rejects %j', (raw) => {
    const w = failure(raw, ['number']);
    expect(w).toMatchObject({ transform: 'number', raw });
    expect(w.message).toContain('is not a');
  });
});

describe('boolean', () => {
  it.each([
    [true, true],
    ['true', true],
    ['Yes', true],
    [' y ', true],
    ['1', true],
    [1, true],
    ['on', true],
    ['checked', true],
    [false, false],
    ['FALSE', false],
    ['no', false],
    ['0', false],
    [0, false],
    ['off', false],
  ])('%j -> %j', (raw, expected) => {
    expect(mapValue(raw, ['boolean']).value).toBe(expected);
  });

  it.each(['maybe', 2, 'truthy'])('rejects %j', (raw) => {
    expect(failure(raw, ['boolean'])).toMatchObject({
      transform: 'boolean',
      raw,
      message: expect.stringContaining('not a yes/no value'),
    });
  });
});

describe('date', () => {
  it.each([
    ['1714555800000', '2024-05-01T09:30:00.000Z'],
    [1714555800000, '2024-05-01T09:30:00.000Z'],
    ['2024-05-01T09:30:00Z', '2024-05-01T09:30:00.000Z'],
    ['2024-05-01T09:30:00.000+0000', '2024-05-01T09:30:00.000Z'],
    ['2024-05-01T18:30:00+09:00', '2024-05-01T09:30:00.000Z'],
    ['2024-05-01 09:30', '2024-05-01T09:30:00.000Z'],
    ['2024-05-01', '2024-05-01T00:00:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
  ])('%j -> %s (no zone means UTC, not the machine zone)', (raw, expected) => {
    expect(mapValue(raw, ['date']).value).toBe(expected);
  });

  it('reads epoch seconds when told to', () => {
    expect(mapValue(1714555800, [{ op: 'date', epoch: 's' }]).value).toBe('2024-05-01T09:30:00.000Z');
  });

  it.each(['05/03/2024', '2024-02-30', '2023-02-29', '2024-13-01', 'yesterday', '10000-01-01', true])(
    'rejects %j',
    (raw) => {
      expect(failure(raw, ['date'])).toMatchObject({ transform: 'date', raw });
    },
  );
});

describe('country', () => {
  it.each([
    ['Germany', 'DE'],
    ['deutschland', 'DE'],
    ['DEU', 'DE'],
    ['de', 'DE'],
    [' United States ', 'US'],
    ['U.S.A.', 'US'],
    ['UK', 'GB'],
    ['England', 'GB'],
    ['Côte d’Ivoire', 'CI'],
    ['cote divoire', 'CI'],
    ['The Netherlands', 'NL'],
    ['Japon', 'JP'],
  ])('%j -> %s', (raw, expected) => {
    expect(mapValue(raw, ['country']).value).toBe(expected);
  });

  it.each(['Atlantis', 'XX', 'Congo', 42])('rejects %j (unknown, unassigned or ambiguous)', (raw) => {
    expect(failure(raw, ['country'])).toMatchObject({
      transform: 'country',
      raw,
      message: expect.stringContaining('is not a country'),
    });
  });
});

describe('state', () => {
  it.each([
    ['California', 'CA'],
    ['new york', 'NY'],
    ['ny', 'NY'],
    ['District of Columbia', 'DC'],
    ['Québec', 'QC'],
    ['quebec', 'QC'],
    ['Ontario', 'ON'],
    ['PEI', 'PE'],
  ])('%j -> %s', (raw, expected) => {
    expect(mapValue(raw, ['state']).value).toBe(expected);
  });

  it('keeps a region outside the US and Canada as written (trimmed)', () => {
    expect(mapValue(' Bavaria ', ['state'])).toMatchObject({ value: 'Bavaria', result: { warnings: [] } });
  });

  it('fails on an unknown region when strict', () => {
    expect(failure('Bavaria', [{ op: 'state', strict: true }])).toMatchObject({ transform: 'state', raw: 'Bavaria' });
  });
});

describe('domain', () => {
  it.each([
    ['jo@ACME.com', 'acme.com'],
    ['https://WWW.Acme.com/about?x=1', 'acme.com'],
    ['acme.com.', 'acme.com'],
    ['http://user:pw@shop.acme.co.uk:8080/x', 'shop.acme.co.uk'],
    ['//cdn.acme.io/x', 'cdn.acme.io'],
    ['münchen.de', 'xn--mnchen-3ya.de'],
  ])('%j -> %s', (raw, expected) => {
    expect(mapValue(raw, ['domain']).value).toBe(expected);
  });

  it.each(['not a domain', 'localhost', 'jo@', 'http://', 12])('rejects %j', (raw) => {
    expect(failure(raw, ['domain'])).toMatchObject({ transform: 'domain', raw });
  });
});

describe('map', () => {
  const values = { Hot: 'high', Warm: 'medium', Cold: 'low' };

  it('looks values up ignoring case and surrounding spaces', () => {
    expect(mapValue(' HOT ', [{ op: 'map', values }]).value).toBe('high');
  });

  it('uses the default for a value the map lacks', () => {
    expect(mapValue('Lukewarm', [{ op: 'map', values, default: 'unknown' }]).value).toBe('unknown');
  });

  it('a null default leaves the field out quietly', () => {
    expect(mapValue('Lukewarm', [{ op: 'map', values, default: null }])).toMatchObject({
      value: undefined,
      result: { warnings: [] },
    });
  });

  it('without a default, an unknown value fails and lists the known keys', () => {
    const w = failure('Lukewarm', [{ op: 'map', values }]);
    expect(w).toMatchObject({ transform: 'map', raw: 'Lukewarm' });
    expect(w.message).toContain('known: Hot, Warm, Cold');
  });

  it('maps to numbers and booleans too', () => {
    expect(mapValue('A', [{ op: 'map', values: { A: 100, B: 50 } }], 'score').value).toBe(100);
  });
});

describe('regex', () => {
  it('keeps the first capture group by default', () => {
    expect(mapValue('25-50', [{ op: 'regex', pattern: '^(\\d+)' }, 'number']).value).toBe(25);
  });

  it('keeps the whole match when the pattern has no group', () => {
    expect(mapValue('ref ABC-123 x', [{ op: 'regex', pattern: '[A-Z]+-\\d+' }]).value).toBe('ABC-123');
  });

  it('keeps a named or numbered group, with flags', () => {
    expect(
      mapValue('Order: x-77', [{ op: 'regex', pattern: 'order: (?<kind>\\w)-(\\d+)', flags: 'i', group: 'kind' }])
        .value,
    ).toBe('x');
    expect(mapValue('Order: x-77', [{ op: 'regex', pattern: 'order: (\\w)-(\\d+)', flags: 'i', group: 2 }]).value).toBe(
      '77',
    );
  });

  it('fails when the value does not match', () => {
    const w = failure('1000+', [{ op: 'regex', pattern: '^(\\d+)-' }]);
    expect(w).toMatchObject({ transform: 'regex', raw: '1000+' });
    expect(w.message).toContain('does not match /^(\\d+)-/');
  });
});

describe('chains', () => {
  it('stop at the first failure and report that step', () => {
    const w = failure('n/a', [{ op: 'regex', pattern: '.*' }, 'number', 'boolean']);
    expect(w).toMatchObject({ code: 'TRANSFORM_FAILED', transform: 'number' });
  });

  it('a failure in one field leaves the others alone', () => {
    const { result } = mapValue('Atlantis', ['country'], 'country');
    expect(result.lead).toMatchObject({ source: { id: 'r1' }, custom: {} });
    expect(result.lead.country).toBeUndefined();
  });
});
