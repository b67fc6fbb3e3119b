// Shared by the Salesforce connector tests: a config builder, a log recorder, no-wait sleep.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SalesforceConfigInput, Logger } from '../../../../connectors/salesforce/index.js';

export const ORG_ID = '00D5g000004XyZaEAK';
export const OUTBOUND_TOKEN = 'outbound-path-token-0123456789abcdef';
export const INSTANCE = 'https://acme.my.salesforce.com';

export function aSalesforceConfig(over: Partial<SalesforceConfigInput> = {}): SalesforceConfigInput {
  return {
    instanceUrl: INSTANCE,
    apiVersion: '62.0',
    auth: { kind: 'access_token', accessToken: 'test-access-token-00000' },
    organizationId: ORG_ID,
    outboundToken: OUTBOUND_TOKEN,
    retryBaseDelayMs: 10,
    ...over,
  };
}

export function fixture(rel: string): string {
  return readFileSync(fileURLToPath(new URL(`../../../../fixtures/salesforce/${rel}`, import.meta.url)), 'utf8');
}

export const fixtureJson = <T = unknown>(rel: string): T => JSON.parse(fixture(rel)) as T;

/** Records every log call as serialised JSON, the way pino would write it. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (obj: object, msg?: string) => lines.push(JSON.stringify({ level, ...obj, msg }));
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export function recordingSleep() {
  const sleeps: number[] = [];
  return { sleeps, sleep: async (ms: number) => void sleeps.push(ms) };
}

/** Bounded wait on a condition (no fixed sleeps in tests). */
export async function until(cond: () => boolean, { timeoutMs = 5000, what = 'condition' } = {}): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
