import { expect, it } from 'vitest';
import { timeOrderedUuid } from '../../src/time-ordered-id.js';

it('makes UUIDv7s: the millisecond first, so ids made later sort after, then version 7, variant 10 and random bits', () => {
  const at = Date.UTC(2026, 11, 5, 12, 0, 0, 123);
  const id = timeOrderedUuid(at);
  expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  const later = timeOrderedUuid(at + 1);
  expect(later > id).toBe(true);
  // Same millisecond: different ids (the random bits).
  expect(new Set(Array.from({ length: 100 }, () => timeOrderedUuid(at))).size).toBe(100);
});
