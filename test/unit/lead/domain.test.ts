import { describe, expect, it } from 'vitest';
import { domainOf, emailDomainOf, normaliseEmail, websiteDomainOf } from '../../../src/lead/index.js';

describe('domain helpers', () => {
  it('emailDomainOf takes the part after the last @, lower-cased', () => {
    expect(emailDomainOf('Jo.Doe@Sub.ACME.com')).toBe('sub.acme.com');
    expect(emailDomainOf('"a@b"@acme.com')).toBe('acme.com');
    expect(emailDomainOf('@acme.com')).toBeUndefined();
    expect(emailDomainOf('jo@')).toBeUndefined();
    expect(emailDomainOf('jo@acme')).toBeUndefined();
  });

  it('websiteDomainOf strips scheme, credentials, port, path, query, www. and a trailing dot', () => {
    expect(websiteDomainOf('HTTPS://www.Acme.com:443/a/b?c=d#e')).toBe('acme.com');
    expect(websiteDomainOf('acme.com/pricing')).toBe('acme.com');
    expect(websiteDomainOf('ftp://files.acme.com.')).toBe('files.acme.com');
    expect(websiteDomainOf('https://')).toBeUndefined();
    expect(websiteDomainOf('http://-acme.com')).toBeUndefined();
  });

  it('domainOf picks email or URL by the @, but a URL with credentials stays a URL', () => {
    expect(domainOf('jo@acme.com')).toBe('acme.com');
    expect(domainOf('https://user@acme.com/x')).toBe('acme.com');
    expect(domainOf('www.acme.com')).toBe('acme.com');
  });

  it('normaliseEmail lower-cases and checks, but keeps the address as written', () => {
    expect(normaliseEmail(' Jo@WWW.Acme.com ')).toBe('jo@www.acme.com');
    expect(normaliseEmail('a@b@acme.com')).toBeUndefined();
    expect(normaliseEmail('jo doe@acme.com')).toBeUndefined();
    expect(normaliseEmail('jo@localhost')).toBeUndefined();
  });
});
