// Shared bits for the HubSpot connector tests: a fake clock whose sleep advances time (so no
// test really waits), fixture loading, and a connector pointed at nock's fake host.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createHubSpotConnector, type HubSpotConfigInput } from '../../../../connectors/hubspot/index.js';

export const baseUrl = 'http://hubspot.test';
export const token = 'pat-na1-11111111-2222-3333-4444-555555555555';
export const webhookSecret = 'wh-client-secret-0f9e8d7c6b5a';
export const t0 = Date.parse('2026-03-02T10:00:00.000Z');

export interface FakeClock {
  now(): number;
  sleep(ms: number): Promise<void>;
  advance(ms: number): void;
  slept: number[];
}

export function fakeClock(start = t0): FakeClock {
  let t = start;
  const slept: number[] = [];
  return {
    now: () => t,
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
    },
    advance: (ms) => {
      t += ms;
    },
    slept,
  };
}

export function fixture<T = unknown>(path: string): T {
  return JSON.parse(
    readFileSync(fileURLToPath(new URL(`../../../../fixtures/hubspot/${path}`, import.meta.url)), 'utf8'),
  ) as T;
}

export function aConnector(overrides: Partial<HubSpotConfigInput> = {}, clock: FakeClock = fakeClock()) {
  const config: HubSpotConfigInput = {
    baseUrl,
    auth: { kind: 'private_app', token },
    clientSecret: webhookSecret,
    ...overrides,
  };
  return createHubSpotConnector(config, { now: clock.now, sleep: clock.sleep, random: () => 0.5 });
}

/** Resolves to the rejection of `p` (fails the test if `p` resolves). */
export async function rejectionOf(
  p: Promise<unknown>,
): Promise<Error & { code?: string; details?: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string; details?: Record<string, unknown> };
  }
  throw new Error('expected a rejection');
}

/**
 * A nock reply computed from the request body. With nock 15 and fetch, a reply function that
 * declares parameters never resolves (and gets no body), so the body matcher keeps the body and
 * an arity-0 reply function answers from it. Use: `.post(path, r.match).reply(...r.reply)`.
 */
export function bodyReply<B>(status: number, fn: (body: B) => unknown) {
  let last: B | undefined;
  return {
    match: (body: B): boolean => {
      last = body;
      return true;
    },
    reply: [status, () => JSON.stringify(fn(last as B)), { 'content-type': 'application/json' }] as [
      number,
      () => string,
      Record<string, string>,
    ],
  };
}
