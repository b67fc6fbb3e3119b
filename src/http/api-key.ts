import { timingSafeEqual } from 'node:crypto';
import type { Secret } from '../config/index.js';
import { errors } from '../errors.js';
import { digest, presentedToken } from './presented-token.js';

/** Returns a checker that compares in constant time against every configured key. */
export function apiKeyChecker(keys: readonly Secret[]): (headers: Record<string, unknown>) => void {
  const digests = keys.map((k) => digest(k.reveal()));
  return (headers) => {
    const presented = presentedToken(headers, 'x-api-key');
    if (!presented) throw errors.unauthorized('missing API key: send it in the x-api-key header or as a Bearer token');
    const d = digest(presented);
    let ok = false;
    for (const k of digests) ok = timingSafeEqual(d, k) || ok;
    if (!ok) throw errors.unauthorized('API key is not valid');
  };
}
