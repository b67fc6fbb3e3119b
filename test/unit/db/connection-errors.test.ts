import { expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../../src/db/index.js';

const coded = (code: string, message = 'x') => Object.assign(new Error(message), { code });
const onConnect = (code: string) =>
  Object.assign(new Error(`connect ${code} 127.0.0.1:47532`), { code, syscall: 'connect' });
const inQuery = (cause: unknown) => Object.assign(new Error('Failed query: select 1'), { query: 'select 1', cause }); // drizzle's wrapping

it('calls connection-class failures "unavailable", whatever wraps them', () => {
  for (const e of [
    onConnect('ECONNREFUSED'),
    inQuery(coded('ECONNRESET', 'read ECONNRESET')),
    coded('57P01', 'terminating connection due to administrator command'),
    coded('57P03', 'the database system is starting up'),
    coded('08006', 'connection failure'),
    coded('53300', 'sorry, too many clients already'),
    new Error('Connection terminated unexpectedly'),
    new Error('timeout exceeded when trying to connect'),
    new AggregateError([onConnect('ECONNREFUSED')], 'all attempts failed'),
    inQuery(coded('57P01')),
  ]) {
    expect(isDatabaseUnavailable(e), String(e)).toBe(true);
  }
});

it('leaves statement errors alone (our bug or the input), and a client aborting its own body', () => {
  for (const e of [
    coded('ECONNRESET', 'aborted'),
    inQuery(coded('23505', 'duplicate key value')),
    coded('23505', 'duplicate key value'),
    coded('22P05', 'unsupported Unicode escape sequence'),
    coded('42P01'),
    new Error('boom'),
    undefined,
    'ECONNREFUSED',
  ]) {
    expect(isDatabaseUnavailable(e), String(e)).toBe(false);
  }
});
