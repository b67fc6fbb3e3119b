import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { InboundRequest } from '../../../../src/connector.js';
import { aConnector, t0, webhookSecret } from './support.js';

const url = 'https://router.example.com/webhooks/hubspot?portal=62515';
const body = JSON.stringify([{ eventId: 1, subscriptionType: 'contact.creation', objectId: 5001, occurredAt: t0 }]);

function v3(opts: { secret?: string; ts?: number; rawBody?: string; uri?: string } = {}): InboundRequest {
  const ts = String(opts.ts ?? t0 - 1_000);
  const sig = createHmac('sha256', opts.secret ?? webhookSecret)
    .update('POST' + (opts.uri ?? url) + body + ts)
    .digest('base64');
  return {
    method: 'POST',
    url,
    rawBody: opts.rawBody ?? body,
    headers: { 'x-hubspot-signature-v3': sig, 'x-hubspot-request-timestamp': ts },
  };
}

function legacy(version: 'v1' | 'v2', secret = webhookSecret): InboundRequest {
  const source = version === 'v1' ? secret + body : secret + 'POST' + url + body;
  return {
    method: 'POST',
    url,
    rawBody: body,
    headers: {
      'x-hubspot-signature': createHash('sha256').update(source).digest('hex'),
      'x-hubspot-signature-version': version,
    },
  };
}

const now = new Date(t0);

function codeOf(fn: () => void): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

describe('verifyRequest (HubSpot webhook signatures)', () => {
  const connector = aConnector();

  it('accepts a valid v3 signature', () => {
    expect(() => connector.verifyRequest(v3(), now)).not.toThrow();
  });

  it('accepts header names in any case (docs spell it -V3)', () => {
    const req = v3();
    const headers = {
      'X-HubSpot-Signature-V3': req.headers['x-hubspot-signature-v3'],
      'X-HubSpot-Request-Timestamp': req.headers['x-hubspot-request-timestamp'],
    };
    expect(() => connector.verifyRequest({ ...req, headers }, now)).not.toThrow();
  });

  it("accepts a URI signed with HubSpot's decoded characters (%3A -> :)", () => {
    const encodedUrl = 'https://router.example.com/webhooks/hubspot?next=a%3Ab%20c';
    const req = v3({ uri: 'https://router.example.com/webhooks/hubspot?next=a:b%20c' });
    expect(() => connector.verifyRequest({ ...req, url: encodedUrl }, now)).not.toThrow();
  });

  it('rejects a tampered body as SIGNATURE_INVALID', () => {
    expect(codeOf(() => connector.verifyRequest(v3({ rawBody: body.replace('5001', '5002') }), now))).toBe(
      'SIGNATURE_INVALID',
    );
  });

  it('rejects a signature made with another secret as SIGNATURE_INVALID', () => {
    expect(codeOf(() => connector.verifyRequest(v3({ secret: 'not-the-secret' }), now))).toBe('SIGNATURE_INVALID');
  });

  it('rejects garbage in the signature header as SIGNATURE_INVALID, not a crash', () => {
    const req = v3();
    expect(
      codeOf(() =>
        connector.verifyRequest({ ...req, headers: { ...req.headers, 'x-hubspot-signature-v3': '!!' } }, now),
      ),
    ).toBe('SIGNATURE_INVALID');
  });

  it('rejects a timestamp older than 5 minutes as SIGNATURE_STALE, and one far in the future', () => {
    expect(codeOf(() => connector.verifyRequest(v3({ ts: t0 - 300_001 }), now))).toBe('SIGNATURE_STALE');
    expect(codeOf(() => connector.verifyRequest(v3({ ts: t0 - 299_000 }), now))).toBeUndefined();
    expect(codeOf(() => connector.verifyRequest(v3({ ts: t0 + 600_000 }), now))).toBe('SIGNATURE_STALE');
  });

  it('answers SIGNATURE_MISSING without the signature or the timestamp header', () => {
    const req = v3();
    expect(codeOf(() => connector.verifyRequest({ ...req, headers: {} }, now))).toBe('SIGNATURE_MISSING');
    expect(
      codeOf(() =>
        connector.verifyRequest(
          { ...req, headers: { 'x-hubspot-signature-v3': req.headers['x-hubspot-signature-v3'] } },
          now,
        ),
      ),
    ).toBe('SIGNATURE_MISSING');
  });

  it('refuses v1 and v2 signatures unless the config accepts them', () => {
    expect(codeOf(() => connector.verifyRequest(legacy('v1'), now))).toBe('SIGNATURE_MISSING');
    expect(codeOf(() => connector.verifyRequest(legacy('v2'), now))).toBe('SIGNATURE_MISSING');
  });

  it('accepts v1/v2 when configured, and still checks them', () => {
    const both = aConnector({ acceptSignatureVersions: ['v3', 'v2', 'v1'] });
    expect(() => both.verifyRequest(legacy('v1'), now)).not.toThrow();
    expect(() => both.verifyRequest(legacy('v2'), now)).not.toThrow();
    expect(codeOf(() => both.verifyRequest(legacy('v2', 'wrong'), now))).toBe('SIGNATURE_INVALID');
    const v2only = aConnector({ acceptSignatureVersions: ['v2'] });
    expect(codeOf(() => v2only.verifyRequest(legacy('v1'), now))).toBe('SIGNATURE_INVALID');
  });

  it('never puts the secret in the error', () => {
    try {
      aConnector().verifyRequest(v3({ secret: 'x' }), now);
    } catch (e) {
      expect(JSON.stringify({ m: (e as Error).message, d: (e as { details?: unknown }).details })).not.toContain(
        webhookSecret,
      );
      return;
    }
    throw new Error('expected a throw');
  });
});
