import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { parseEnv, Secret } from '../../../src/config/index.js';
import { createLogger } from '../../../src/logger.js';

it('never prints a secret: not through the env, String(), JSON, or the logger', () => {
  const env = parseEnv({ INTAKE_API_KEYS: 'key-one-123456,key-two-654321' });
  expect(env.INTAKE_API_KEYS.map((k) => k.reveal())).toEqual(['key-one-123456', 'key-two-654321']);
  expect(JSON.stringify(env)).not.toContain('key-one');
  expect(String(new Secret('s3cr3t'))).toBe('[redacted]');

  let out = '';
  const sink = new Writable({ write: (chunk, _e, cb) => ((out += chunk.toString()), cb()) });
  const log = createLogger({ level: 'info' }, sink);
  log.info({ req: { headers: { authorization: 'Bearer abc123', 'x-api-key': 'key-one-123456', 'x-hubspot-signature-v3': 'sig==' } }, hubspot: { clientSecret: 'cs-1', token: 'tok-1' }, env }, 'hello');
  for (const s of ['abc123', 'key-one-123456', 'sig==', 'cs-1', 'tok-1']) expect(out).not.toContain(s);
  expect(out).toContain('[redacted]');
});
