// Webhook signature check, pure: (request, secret, accepted versions, now) -> version or throw.
// v3 (default): base64 HMAC-SHA256(clientSecret, method + uri + rawBody + timestamp), timestamp
//   in ms, rejected when older than 5 minutes (HubSpot's rule) or as far in the future.
// v1: hex SHA-256(clientSecret + rawBody); v2: hex SHA-256(clientSecret + method + uri + rawBody).
//   Neither carries a timestamp, so a captured request replays forever: accepted only when the
//   config lists them. Notes and sources: /work/shared/crm/hubspot-webhooks.md.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { InboundRequest } from '../../src/connector.js';
import { AppError, errors } from '../../src/errors.js';
import type { SignatureVersion } from './config.js';
import type { Secret } from './secret.js';

export const maxSignatureAgeMs = 300_000;

const H_V3 = 'X-HubSpot-Signature-v3';
const H_TIMESTAMP = 'X-HubSpot-Request-Timestamp';
const H_LEGACY = 'X-HubSpot-Signature';
const H_VERSION = 'X-HubSpot-Signature-Version';

export interface VerifyOptions {
  clientSecret: Secret;
  acceptVersions: readonly SignatureVersion[];
  now: Date;
}

/** Returns the version that matched; throws SIGNATURE_MISSING / SIGNATURE_INVALID / SIGNATURE_STALE. */
export function verifySignature(req: InboundRequest, opts: VerifyOptions): SignatureVersion {
  const secret = opts.clientSecret.reveal();
  const v3 = header(req, H_V3);
  if (opts.acceptVersions.includes('v3') && v3 !== undefined) {
    verifyV3(req, v3, secret, opts.now);
    return 'v3';
  }
  const legacy = header(req, H_LEGACY);
  const legacyAccepted = opts.acceptVersions.filter((v): v is 'v1' | 'v2' => v !== 'v3');
  if (legacyAccepted.length > 0 && legacy !== undefined) {
    const version = header(req, H_VERSION)?.toLowerCase();
    if (version === undefined) throw errors.signatureMissing(H_VERSION);
    // A version we do not accept is treated like a wrong signature: the sender cannot downgrade us.
    if (version !== 'v1' && version !== 'v2') throw errors.signatureInvalid(H_VERSION);
    if (!legacyAccepted.includes(version)) throw errors.signatureInvalid(H_VERSION);
    const source = version === 'v1' ? secret + req.rawBody : secret + req.method.toUpperCase() + req.url + req.rawBody;
    const expected = createHash('sha256').update(source, 'utf8').digest();
    if (!equalBytes(Buffer.from(legacy, 'hex'), expected, legacy.length === 64 && /^[0-9a-f]+$/i.test(legacy))) {
      throw errors.signatureInvalid(H_LEGACY);
    }
    return version;
  }
  // Name the strongest header we would have accepted.
  throw errors.signatureMissing(opts.acceptVersions.includes('v3') ? H_V3 : H_LEGACY);
}

function verifyV3(req: InboundRequest, signature: string, secret: string, now: Date): void {
  const timestamp = header(req, H_TIMESTAMP);
  if (timestamp === undefined) throw errors.signatureMissing(H_TIMESTAMP);
  if (!/^\d{1,16}$/.test(timestamp)) throw errors.signatureInvalid(H_TIMESTAMP);
  const ageMs = now.getTime() - Number(timestamp);
  if (ageMs > maxSignatureAgeMs) throw errors.signatureStale(ageMs, maxSignatureAgeMs);
  if (-ageMs > maxSignatureAgeMs) {
    throw new AppError(
      'SIGNATURE_STALE',
      `signature timestamp is ${-ageMs} ms in the future (limit ${maxSignatureAgeMs})`,
    );
  }
  const given = Buffer.from(signature, 'base64');
  const method = req.method.toUpperCase();
  // HubSpot signs the URI with a few characters decoded; the official SDKs sign it as given.
  // Both candidates come from the same request, so accepting either weakens nothing.
  const uris = new Set([decodeSignedUri(req.url), req.url]);
  for (const uri of uris) {
    const mac = createHmac('sha256', secret)
      .update(method + uri + req.rawBody + timestamp, 'utf8')
      .digest();
    if (equalBytes(given, mac, true)) return;
  }
  throw errors.signatureInvalid(H_V3);
}

// The characters HubSpot's v3 doc says to decode before signing (hubspot-webhooks.md §2.1);
// anything else (e.g. %20) stays encoded.
const decoded: Record<string, string> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};

export function decodeSignedUri(uri: string): string {
  return uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (m) => decoded[m.toUpperCase()] ?? m);
}

// timingSafeEqual throws on different lengths; the length of a MAC is public, so checking it first leaks nothing.
function equalBytes(given: Buffer, expected: Buffer, wellFormed: boolean): boolean {
  return wellFormed && given.length === expected.length && timingSafeEqual(given, expected);
}

function header(req: InboundRequest, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(req.headers)) {
    if (k.toLowerCase() !== wanted) continue;
    const value = Array.isArray(v) ? v[0] : v;
    return value === undefined || value === '' ? undefined : value;
  }
  return undefined;
}
