// Table tests for the keys accounts are matched on: registrable domains (URLs with scheme, www,
// path, port; IDNs; public suffixes like co.uk; subdomains) and normalized company names.
import { describe, expect, it } from 'vitest';
import { baseLabel, normalizeCompanyName, registrableDomain } from '../../../src/accounts/index.js';

describe('registrableDomain', () => {
  it.each([
    ['acme.com', 'acme.com'],
    ['https://www.Acme.com/about?x=1#top', 'acme.com'],
    ['http://acme.com:8080/path', 'acme.com'],
    ['//acme.com', 'acme.com'],
    ['acme.com.', 'acme.com'],
    ['eu.acme.com', 'acme.com'],
    ['shop.eu.acme.com', 'acme.com'],
    ['jo@eu.acme.com', 'acme.com'],
    ['JO@ACME.CO.UK', 'acme.co.uk'],
    ['www.acme.co.uk', 'acme.co.uk'],
    ['sales.acme.com.au', 'acme.com.au'],
    ['münchen.de', 'xn--mnchen-3ya.de'],
    ['https://www.Bücher.example.de/shop', 'example.de'],
    ['bücher.de', 'xn--bcher-kva.de'],
    // A private suffix is not a company boundary: the registrable domain stays the ICANN one.
    ['acme.blogspot.com', 'blogspot.com'],
    ['co.uk', undefined],
    ['com', undefined],
    ['127.0.0.1', undefined],
    ['not a domain', undefined],
    ['', undefined],
  ])('%s -> %s', (value, expected) => {
    expect(registrableDomain(value)).toBe(expected);
  });

  it.each([
    ['acme.com', 'acme'],
    ['acme.co.uk', 'acme'],
    ['acme-group.de', 'acme-group'],
  ])('base label of %s is %s', (d, expected) => {
    expect(baseLabel(d)).toBe(expected);
  });
});

describe('normalizeCompanyName', () => {
  it.each([
    ['Acme', 'acme'],
    ['ACME Inc.', 'acme'],
    ['Acme, Inc', 'acme'],
    ['Acme Corporation', 'acme'],
    ['The Acme Company', 'acme'],
    ['Acme GmbH', 'acme'],
    ['Acme G.m.b.H.', 'acme'],
    ['Acme GmbH & Co. KG', 'acme'],
    ['Acme Pty. Ltd.', 'acme'],
    ['Acme S.A.', 'acme'],
    ['Acme S.p.A.', 'acme'],
    ['Acme B.V.', 'acme'],
    ['Acme AB', 'acme'],
    ['Acme Holdings plc', 'acme holdings'],
    ['Smith & Sons Ltd', 'smith and sons'],
    ['Smith and Sons Limited', 'smith and sons'],
    ['Smith + Sons', 'smith and sons'],
    ['Müller Söhne AG', 'muller sohne'],
    ['Société Générale S.A.', 'societe generale'],
    ["O'Reilly Media, Inc.", 'oreilly media'],
    ['  Acme   Widgets  ', 'acme widgets'],
    ['AT&T', 'at and t'],
    // A name that is only a legal form keeps it: never an empty key.
    ['Inc', 'inc'],
    ['The', 'the'],
  ])('%s -> %s', (name, expected) => {
    expect(normalizeCompanyName(name)).toBe(expected);
  });
});
