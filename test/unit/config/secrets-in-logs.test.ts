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
  log.info(
    {
      req: {
        headers: { authorization: 'Bearer abc123', 'x-api-key': 'key-one-123456', 'x-hubspot-signature-v3': 'sig==' },
      },
      hubspot: { clientSecret: 'cs-1', token: 'tok-1' },
      env,
    },
    'hello',
  );
  for (const s of ['abc123', 'key-one-123456', 'sig==', 'cs-1', 'tok-1']) expect(out).not.toContain(s);
  expect(out).toContain('[redacted]');
});

it('scrubs a credential obtained at run time from every line, whatever carried it there', () => {
  const token = new Secret('00Dxx!AQ8AQN.runtime-token/with+chars=');
  let out = '';
  const sink = new Writable({ write: (chunk, _e, cb) => ((out += chunk.toString()), cb()) });
  const log = createLogger({ level: 'trace' }, sink);
  log.warn(
    {
      err: new Error(`INVALID_SESSION_ID: ${token.reveal()}`),
      url: `https://x.example/?access_token=${encodeURIComponent(token.reveal())}`,
    },
    `session "${token.reveal()}" refused`,
  );
  log.info(
    { req: { method: 'POST', url: '/webhooks/salesforce/outbound-token-abcdef0123', headers: { 'x-api-key': 'k' } } },
    'request',
  );
  expect(out).not.toContain('runtime-token');
  expect(out).toContain('"url":"/webhooks/salesforce/[redacted]"');
  expect(out).not.toContain('x-api-key');
  expect(out.match(/\[redacted\]/g)!.length).toBeGreaterThanOrEqual(4);
});
