import { pino, stdSerializers, type Logger } from 'pino';
import { redactSecrets, redactUrl } from './redact.js';

// Everything that could carry a credential. pino drops these before the line is written.
export const redactPaths = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["x-admin-token"]',
  'req.headers["x-hubspot-signature"]',
  'req.headers["x-hubspot-signature-v3"]',
  'req.headers.cookie',
  '*.headers.authorization',
  '*.headers.Authorization',
  '*.headers.cookie',
  '*.headers["x-api-key"]',
  '*.headers["x-admin-token"]',
  '*.token',
  '*.apiKey',
  '*.accessToken',
  '*.refreshToken',
  '*.clientSecret',
  '*.password',
  '*.privateKey',
];

/**
 * Errors as pino prints them, minus what carries raw bytes: node's `rawPacket` (the whole raw
 * request of a client error, every header included, which fastify logs at trace) and any other
 * Buffer, which the line scrub below cannot see into because it is printed as numbers.
 */
export function serializeError(err: unknown): unknown {
  const out = stdSerializers.err(err as Error) as unknown;
  return dropRawBytes(out, 0);
}

function dropRawBytes(value: unknown, depth: number): unknown {
  if (!value || typeof value !== 'object' || depth > 4) return value;
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if (key === 'rawPacket' || Buffer.isBuffer(v) || v instanceof Uint8Array) delete obj[key];
    else if (key === 'aggregateErrors' && Array.isArray(v)) v.forEach((e) => dropRawBytes(e, depth + 1));
    else if (v && typeof v === 'object' && !Array.isArray(v) && key !== 'raw') dropRawBytes(v, depth + 1);
  }
  return value;
}

/** A request in a log line: what, never who (no headers, no body), and its URL without path tokens. */
function serializeRequest(req: { method?: string; url?: string; ip?: string; socket?: { remoteAddress?: string } }) {
  return {
    method: req.method,
    url: typeof req.url === 'string' ? redactUrl(req.url) : undefined,
    remoteAddress: req.ip ?? req.socket?.remoteAddress,
  };
}

function serializeResponse(res: { statusCode?: number }) {
  return { statusCode: res.statusCode };
}

/** Loggers of this service; fastify's per-request loggers are children and keep these serializers. */
export const serializers = {
  err: serializeError,
  error: serializeError,
  req: serializeRequest,
  res: serializeResponse,
};

export function createLogger(opts: { level: string; name?: string }, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level: opts.level,
      name: opts.name ?? 'lead-router',
      redact: { paths: redactPaths, censor: '[redacted]' },
      serializers,
      // The last line of defence: any known credential (src/redact.ts) anywhere in the finished
      // line, in a message or a CRM's echoed error, whatever path it took to get there.
      hooks: { streamWrite: redactSecrets },
    },
    destination,
  );
}

export type { Logger };
