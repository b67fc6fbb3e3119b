// Admin-written regular expressions run on every lead, on the worker's one thread: a pattern
// with nested repetition ((a+)+, (\w+\s?)*) can take exponential time on a crafted value and
// stall routing for everyone. Config validation refuses them. safe-regex2 (fastify's, the same
// check its router applies to route patterns) measures the star height.
import safeRegex from 'safe-regex2';

export function backtracksCatastrophically(pattern: string): boolean {
  return !safeRegex(pattern);
}

export const unsafeRegexMessage =
  'regular expression may take exponential time on some inputs (a repeated group that itself repeats, such as (a+)+): rewrite it without the nested repetition';
