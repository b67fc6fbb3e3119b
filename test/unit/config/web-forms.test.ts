import { describe, expect, it } from 'vitest';
import { parseWebForms, Secret } from '../../../src/config/index.js';

describe('WEB_FORMS', () => {
  it('reads each source with its defaults', () => {
    const forms = parseWebForms(
      JSON.stringify({ website: { publicKey: 'pk_website_0123456789', allowedOrigins: ['https://www.acme.example'] } }),
    );
    expect([...forms]).toEqual([
      [
        'website',
        { publicKey: 'pk_website_0123456789', allowedOrigins: ['https://www.acme.example'], honeypotField: '_gotcha' },
      ],
    ]);
    expect(parseWebForms(undefined).size).toBe(0);
  });

  it('names every problem by its path, all at once', () => {
    const bad = {
      website: {
        publicKey: 'short',
        allowedOrigins: ['https://www.acme.example/contact', 'acme.example'],
        honeypotField: '_key',
        extra: 1,
      },
      'bad name!': { publicKey: 'pk_website_0123456789', allowedOrigins: ['https://a.example'] },
      shop: { publicKey: 'pk_shop_0123456789ab', allowedOrigins: [] },
    };
    expect(() => parseWebForms(JSON.stringify(bad))).toThrow(
      [
        'WEB_FORMS is not valid:',
        '  WEB_FORMS.website.publicKey: must be 16 to 200 letters, digits, _ or -',
        '  WEB_FORMS.website.allowedOrigins[0]: is not an origin: write scheme://host[:port] with no path or trailing slash, e.g. https://www.example.com',
        '  WEB_FORMS.website.allowedOrigins[1]: is not an origin: write scheme://host[:port] with no path or trailing slash, e.g. https://www.example.com',
        '  WEB_FORMS.website.honeypotField: may not be one of _key, _redirect, _idempotencyKey',
        '  WEB_FORMS.website.extra: unknown key "extra"',
        '  WEB_FORMS["bad name!"]: a source name is 1 to 100 letters, digits, _, . or -',
        '  WEB_FORMS.shop.allowedOrigins: name at least one origin (the page the form is on)',
      ].join('\n'),
    );
  });

  it('refuses a public key that is a secret intake key', () => {
    const forms = JSON.stringify({
      website: { publicKey: 'intake-secret-0123456789', allowedOrigins: ['https://www.acme.example'] },
    });
    expect(() => parseWebForms(forms, [new Secret('intake-secret-0123456789')])).toThrow(
      'WEB_FORMS.website.publicKey: is one of INTAKE_API_KEYS',
    );
  });
});
