import { describe, expect, it } from 'vitest';
import {
  isCountryCode,
  isFreeEmailDomain,
  toCountryCode,
  toUsCaRegionCode,
  usCaRegions,
} from '../../../src/lead/index.js';

describe('toCountryCode', () => {
  it.each([
    ['Deutschland', 'DE'],
    ['Allemagne', 'DE'],
    ['Alemania', 'DE'],
    ['Duitsland', 'DE'],
    ['Estados Unidos', 'US'],
    ['Vereinigtes Königreich', 'GB'],
    ['USA', 'US'],
    ['gbr', 'GB'],
    ['Türkiye', 'TR'],
    ['turkey', 'TR'],
    ['South Korea', 'KR'],
    ['Holland', 'NL'],
  ])('%s -> %s', (name, code) => {
    expect(toCountryCode(name)).toBe(code);
  });

  it('refuses unknown, unassigned and ambiguous names', () => {
    expect(toCountryCode('Atlantis')).toBeUndefined();
    expect(toCountryCode('ZZ')).toBeUndefined();
    expect(toCountryCode('ABC')).toBeUndefined();
    expect(toCountryCode('Congo')).toBeUndefined(); // CD or CG
    expect(toCountryCode('')).toBeUndefined();
  });

  it('isCountryCode accepts assigned upper-case codes only', () => {
    expect(isCountryCode('DE')).toBe(true);
    expect(isCountryCode('de')).toBe(false);
    expect(isCountryCode('UK')).toBe(false);
  });
});

describe('toUsCaRegionCode', () => {
  it('holds 50 states, DC and 13 provinces with distinct codes', () => {
    expect(usCaRegions.filter((r) => r[1] === 'US')).toHaveLength(51);
    expect(usCaRegions.filter((r) => r[1] === 'CA')).toHaveLength(13);
    expect(new Set(usCaRegions.map((r) => r[0])).size).toBe(64);
  });

  it.each([
    ['Texas', 'TX'],
    ['tx', 'TX'],
    ['  north carolina ', 'NC'],
    ['Washington D.C.', 'DC'],
    ['Washington', 'WA'],
    ['British Columbia', 'BC'],
    ['Newfoundland', 'NL'],
    ['YUKON', 'YT'],
  ])('%s -> %s', (name, code) => {
    expect(toUsCaRegionCode(name)).toBe(code);
  });

  it('refuses anything else', () => {
    expect(toUsCaRegionCode('Bavaria')).toBeUndefined();
    expect(toUsCaRegionCode('XX')).toBeUndefined();
  });
});

describe('isFreeEmailDomain', () => {
  it('knows free providers, including country variants, and not companies', () => {
    expect(
      ['gmail.com', 'googlemail.com', 'hotmail.co.uk', 'gmx.de', 'proton.me', 'icloud.com'].filter(isFreeEmailDomain),
    ).toHaveLength(6);
    expect(['acme.com', 'google.com', 'microsoft.com', 'salesforce.com'].filter(isFreeEmailDomain)).toEqual([]);
  });
});
