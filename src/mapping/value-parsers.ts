// Parsers shared by the explicit transforms (number, boolean, date) and the canonical fields'
// own type checks. Each returns a Fail naming what was expected, never throws.
import { describe, Fail } from './fail.js';

const thousands = /^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/;
const decimal = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** 42, "42", " 1,200.50 ", "1e3" -> number. "12 employees", "1.200,50", NaN -> Fail. */
export function parseNumber(value: unknown): number | Fail {
  if (typeof value === 'number')
    return Number.isFinite(value) ? value : new Fail(`${describe(value)} is not a finite number`);
  if (typeof value !== 'string') return new Fail(`${describe(value)} is not a number`);
  let text = value.trim();
  if (thousands.test(text)) text = text.replaceAll(',', '');
  if (!decimal.test(text)) return new Fail(`${describe(value)} is not a number`);
  return Number(text);
}

const truthy = new Set(['true', 'yes', 'y', '1', 'on', 'checked']);
const falsy = new Set(['false', 'no', 'n', '0', 'off', 'unchecked']);

/** true/false, 1/0, and yes/no, y/n, on/off, checked/unchecked as text, in any case. */
export function parseBoolean(value: unknown): boolean | Fail {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (truthy.has(text)) return true;
    if (falsy.has(text)) return false;
  }
  return new Fail(`${describe(value)} is not a yes/no value`);
}

// ISO 8601 only: "03/04/2024" means March in one CRM and April in the next, so it is refused.
const isoDate = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;
const digits = /^-?\d+$/;
// Years 0000-9999: outside them toISOString() writes "+010000-..." which is not ISO 8601 as stored.
const minMs = -62_167_219_200_000;
const maxMs = 253_402_300_799_999;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * An instant as ISO 8601 UTC ("2024-05-01T09:30:00.000Z"). Accepts ISO dates and date-times
 * (no zone = UTC, never the machine's zone) and epoch numbers in `epoch` units.
 */
export function parseDate(value: unknown, epoch: 'ms' | 's' = 'ms'): string | Fail {
  let ms: number;
  const text = typeof value === 'string' ? value.trim() : '';
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'number' || digits.test(text)) {
    ms = Number(typeof value === 'number' ? value : text) * (epoch === 's' ? 1000 : 1);
  } else if (typeof value === 'string') {
    const m = isoDate.exec(text);
    if (!m) return new Fail(`${describe(value)} is not an ISO 8601 date or an epoch timestamp`);
    const [, y, mo, d, h, mi = '00', s = '00', frac = '', zone] = m;
    if (h !== undefined && zone !== undefined && (zone === 'Z' || zone.length === 6) && text[10] === 'T') {
      ms = Date.parse(text); // already a form Date.parse reads as an instant
    } else {
      const z =
        zone === undefined || zone.toUpperCase() === 'Z'
          ? 'Z'
          : zone.length === 5
            ? `${zone.slice(0, 3)}:${zone.slice(3)}`
            : zone;
      ms = Date.parse(`${y}-${mo}-${d}T${h ?? '00'}:${mi}:${s}${frac.slice(0, 4)}${z}`);
    }
    // Date.parse rolls "2024-02-30" over to March; a date that does not exist is an error.
    if (+d! > daysInMonth(+y!, +mo!)) ms = Number.NaN;
  } else return new Fail(`${describe(value)} is not a date`);
  if (!Number.isFinite(ms) || ms < minMs || ms > maxMs) return new Fail(`${describe(value)} is not a valid date`);
  return new Date(ms).toISOString();
}
