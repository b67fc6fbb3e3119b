import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../../src/config/index.js';

// Compose and systemd files often carry `DATABASE_URL=` or `PORT=` with nothing after them: an
// empty value means "not set", not "set to nothing" (which failed as an invalid URL or became 0).
describe('parseEnv: a blank variable counts as unset', () => {
  it('takes the default for a blank or whitespace-only value', () => {
    const env = parseEnv({ DATABASE_URL: '', REDIS_URL: '  ', PORT: '', LOG_LEVEL: ' ', HUBSPOT_CONFIG: '' });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.REDIS_URL).toBeUndefined();
    expect(env.PORT).toBe(3000);
    expect(env.LOG_LEVEL).toBe('info');
    expect(env.HUBSPOT_CONFIG).toBeUndefined();
  });

  it('still refuses a value that is set and wrong, naming it', () => {
    expect(() => parseEnv({ DATABASE_URL: 'not a url' })).toThrow(/DATABASE_URL/);
  });
});
