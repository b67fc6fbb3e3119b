import { describe, expect, it } from 'vitest';
import { canonicalFields, leadSchema } from '../../../src/lead/index.js';

const source = { crm: 'hubspot', objectType: 'contact', id: '1' } as const;

describe('leadSchema', () => {
  it('normalises: trims, lower-cases email and domains, upper-cases the country, defaults custom', () => {
    expect(
      leadSchema.parse({
        source,
        email: ' Ana@ACME.com ',
        emailDomain: 'ACME.com',
        country: ' de ',
        firstName: ' Ana ',
      }),
    ).toEqual({
      source,
      email: 'ana@acme.com',
      emailDomain: 'acme.com',
      country: 'DE',
      firstName: 'Ana',
      custom: {},
    });
  });

  it('names the field it refuses', () => {
    const r = leadSchema.safeParse({ source, country: 'Germany', employeeCount: -1, createdAt: '2024-05-01' });
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(['country', 'employeeCount', 'createdAt']);
  });

  it('lists the canonical fields a mapping may target, without source and custom', () => {
    expect(canonicalFields).toContain('email');
    expect(canonicalFields).toContain('freeEmail');
    expect(canonicalFields).not.toContain('source');
    expect(canonicalFields).not.toContain('custom');
  });
});
