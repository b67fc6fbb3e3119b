import { expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../../src/db/index.js';

const coded = (code: string, message = 'x') => Object.assign(new Error(message), { code });

it('calls connection-class failures "unavailable", whatever wraps them', () => {
  for (const e of [
    coded('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:47532'),
    coded('ECONNRESET'),
    coded('57P01', 'terminating connection due to administrator command'),
    coded('57P03', 'the database system is starting up'),
    coded('08006', 'connection failure'),
    coded('53300', 'sorry, too many clients already'),
    new Error('Connection terminated unexpectedly'),
    new Error('timeout exceeded when trying to connect'),
    new AggregateError([coded('ECONNREFUSED')], 'all attempts failed'),
    new Error('Failed query: insert into "inbound_events" ...', { cause: coded('57P01') }), // drizzle's wrapping
  ]) {
    expect(isDatabaseUnavailable(e), String(e)).toBe(true);
  }
});

it('leaves statement errors alone: they are our bug or the input, not an outage', () => {
  for (const e of [coded('23505', 'duplicate key value'), coded('22P05', 'unsupported Unicode escape sequence'), coded('42P01'), new Error('boom'), undefined, 'ECONNREFUSED']) {
    expect(isDatabaseUnavailable(e), String(e)).toBe(false);
  }
});
