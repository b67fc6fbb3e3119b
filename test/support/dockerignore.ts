// .dockerignore as Docker reads it: patterns relative to the context root, `*` within one path
// segment, `**` across segments, `!` re-includes, the last matching line wins, and a path is
// excluded when it or one of its parent folders is.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './cli.js';

function toRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/^\/+|\/+$/g, '')
    .split(/(\*\*\/?|\*|\?)/)
    .map((part) => {
      if (part === '**/') return '(?:.*/)?';
      if (part === '**') return '.*';
      if (part === '*') return '[^/]*';
      if (part === '?') return '[^/]';
      return part.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${body}$`);
}

const rules = readFileSync(join(root, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => (l.startsWith('!') ? { include: true, re: toRegExp(l.slice(1)) } : { include: false, re: toRegExp(l) }));

export function dockerignoreExcludes(path: string): boolean {
  const parts = path.split('/');
  const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let excluded = false;
  for (const rule of rules) if (prefixes.some((p) => rule.re.test(p))) excluded = !rule.include;
  return excluded;
}
