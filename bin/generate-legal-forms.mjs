#!/usr/bin/env node
// Regenerates src/accounts/legal-forms.json, the legal-form suffixes company names are compared
// without ("Acme GmbH" = "ACME"). Source: the term lists of the cleanco npm package (MIT, a port
// of the Python cleanco library's termdata, which lists business entity types by type and by
// country). No npm package ships the ISO 20275 ELF list, so its abbreviations are not used
// directly; when one does, point this script at it instead.
//   npm pack cleanco@1.0.2 && tar xzf cleanco-1.0.2.tgz
//   node bin/generate-legal-forms.mjs package/data.js > src/accounts/legal-forms.json
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const path = process.argv[2];
if (!path) {
  console.error('usage: generate-legal-forms.mjs <cleanco data.js>');
  process.exit(2);
}
const data = createRequire(import.meta.url)(resolve(path));
// The package escapes some UTF-8 bytes as \xNN, which JS reads as Latin-1 characters: undo that.
const fix = (s) => (/[\u0080-\u00ff]/.test(s) ? Buffer.from(s, 'latin1').toString('utf8') : s);
const terms = new Set();
for (const list of [...Object.values(data.terms_by_type), ...Object.values(data.terms_by_country)])
  for (const t of list) terms.add(fix(t).trim().toLowerCase());
const out = {
  source: 'cleanco@1.0.2 (npm, MIT): terms_by_type and terms_by_country',
  generatedBy: 'bin/generate-legal-forms.mjs',
  terms: [...terms].filter(Boolean).sort(),
};
process.stdout.write(JSON.stringify(out, null, 1) + '\n');
