import { pino, type Logger } from 'pino';

// Everything that could carry a credential. pino drops these before the line is written.
export const redactPaths = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["x-admin-token"]',
  'req.headers["x-hubspot-signature"]',
  'req.headers["x-hubspot-signature-v3"]',
  'req.headers.cookie',
  '*.token',
  '*.apiKey',
  '*.accessToken',
  '*.refreshToken',
  '*.clientSecret',
  '*.password',
  '*.privateKey',
];

export function createLogger(opts: { level: string; name?: string }, destination?: pino.DestinationStream): Logger {
  return pino({ level: opts.level, name: opts.name ?? 'lead-router', redact: { paths: redactPaths, censor: '[redacted]' } }, destination);
}

export type { Logger };
