// Pure: is this outbound message from our org? Salesforce cannot sign outbound messages, so the
// endpoint URL carries a long secret path token (the route puts it in req.params.token), compared
// in constant time, and the OrganizationId inside the message must be ours: Salesforce's
// security guide says to check it, since IP allowlists only prove "some Salesforce org".
import { createHash, timingSafeEqual } from 'node:crypto';
import type { InboundRequest } from '../../src/connector.js';
import { AppError, errors } from '../../src/errors.js';
import { parseOutboundXml } from './parse-outbound.js';
import type { Secret } from './secret.js';

export interface OutboundExpectation {
  token: Secret;
  organizationId: string;
}

// Hashing first gives equal-length inputs, so timingSafeEqual never leaks the token's length.
const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export function verifyOutboundRequest(req: InboundRequest, expected: OutboundExpectation): void {
  const token = req.params?.['token'];
  if (!token) {
    throw new AppError('UNAUTHORIZED', 'outbound message URL has no token', {
      errors: [{ path: 'params.token', message: 'missing' }],
    });
  }
  if (!timingSafeEqual(digest(token), digest(expected.token.reveal()))) {
    throw new AppError('SIGNATURE_INVALID', 'outbound message URL token does not match', {
      errors: [{ path: 'params.token', message: 'does not match' }],
    });
  }
  const { organizationId } = parseOutboundXml(req.rawBody);
  if (!sameOrg(organizationId, expected.organizationId)) {
    throw errors.unauthorized(`OrganizationId ${organizationId} is not the org this connector serves`);
  }
}

/** 15- and 18-character ids name the same org when the first 15 (case-sensitive) match. */
export function sameOrg(a: string, b: string): boolean {
  return a.length >= 15 && b.length >= 15 && a.slice(0, 15) === b.slice(0, 15);
}
