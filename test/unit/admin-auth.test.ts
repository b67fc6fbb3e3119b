import { expect, it } from 'vitest';
import { Secret } from '../../src/config/index.js';
import { adminAuthChecker } from '../../src/http/admin-auth.js';

it('says that no admin tokens are configured, rather than that the token is wrong, when there are none', () => {
  const check = adminAuthChecker([]);
  for (const headers of [{}, { 'x-admin-token': 'not-a-token-0000000' }]) {
    expect(() => check(headers, 'viewer')).toThrow(/^no admin tokens are configured on this server/);
  }
  const configured = adminAuthChecker([{ role: 'viewer', token: new Secret('viewer-token-0123456789') }]);
  expect(() => configured({ 'x-admin-token': 'not-a-token-0000000' }, 'viewer')).toThrow('admin token is not valid');
});
