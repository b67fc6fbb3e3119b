import { describe, expect, it } from 'vitest';
import { closest, didYouMean, editDistance } from '../../../src/lead/index.js';

describe('did you mean', () => {
  it('counts a swapped pair of letters as one edit', () => {
    expect(editDistance('emea', 'emae')).toBe(1);
    expect(editDistance('inbound', 'inbund')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests the closest name when it is close enough to be a typo', () => {
    expect(closest('emae', ['apac', 'emea', 'us'])).toBe('emea');
    expect(closest('europe/berln', ['Europe/Berlin', 'Europe/Bern'])).toBe('Europe/Berlin');
    expect(didYouMean('contry', ['company', 'country'])).toBe('; did you mean "country"?');
  });

  it('says nothing when nothing is close, or the name exists', () => {
    expect(closest('sdr', ['enterprise', 'smb-team'])).toBeUndefined();
    expect(closest('us', ['uk'])).toBeUndefined(); // one letter of two is not a typo, it is another name
    expect(closest('emea', ['emea', 'emeb'])).toBeUndefined();
    expect(didYouMean('zzz', [])).toBe('');
    expect(closest('EMEA', ['emea'])).toBe('emea');
  });
});
