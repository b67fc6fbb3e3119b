// What the embedded default (no DATABASE_URL) gives a newcomer so the first minute needs no
// reading: a development admin token and, at start, the two curls that send a lead and show
// who got the last one and why. Never used when DATABASE_URL or ADMIN_TOKENS is set.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Secret, type Env } from './config/index.js';
import type { Logger } from './logger.js';

/** Next to the database in the data folder, readable by its owner only. */
export const devAdminTokenFile = 'dev-admin-token';

/** Reads the folder's development admin token, or undefined when it has none. */
export function readDevAdminToken(dataDir: string): string | undefined {
  try {
    const token = readFileSync(join(dataDir, devAdminTokenFile), 'utf8').trim();
    return token.length >= 16 ? token : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The data folder's development admin token, made on first start. Random rather than a fixed
 * word like the intake key: it is an editor token (it can publish configs), and HOST may be
 * set to listen beyond this machine. Kept across restarts so a copied curl keeps working.
 */
export function devAdminToken(dataDir: string): string {
  const existing = readDevAdminToken(dataDir);
  if (existing) return existing;
  mkdirSync(dataDir, { recursive: true });
  const token = `dev-admin-${randomBytes(18).toString('base64url')}`;
  writeFileSync(join(dataDir, devAdminTokenFile), `${token}\n`, { mode: 0o600 });
  return token;
}

/**
 * The admin tokens `serve` accepts: ADMIN_TOKENS, or, on the embedded default with none set, the
 * data folder's development editor token. With DATABASE_URL or ADMIN_TOKENS set there is none.
 */
export function embeddedAdminTokens(env: Env, logger: Pick<Logger, 'warn'>): { env: Env; devToken?: string } {
  if (env.DATABASE_URL || env.ADMIN_TOKENS.length > 0) return { env };
  const token = devAdminToken(env.DATA_DIR);
  logger.warn(
    'ADMIN_TOKENS is not set: the embedded default accepts a development admin token (printed at start, kept in the data folder)',
  );
  return { env: { ...env, ADMIN_TOKENS: [{ role: 'editor', token: new Secret(token) }] }, devToken: token };
}

export interface BannerInput {
  url: string;
  dataDir: string;
  /** The development intake key, when INTAKE_API_KEYS is not set. */
  devIntakeKey?: string;
  /** The development admin token, when ADMIN_TOKENS is not set. */
  devAdminToken?: string;
}

/** The start-up text for people (stderr, not the JSON log): how to send a lead and read its decision. */
export function embeddedBanner(b: BannerInput): string {
  const intakeKey = b.devIntakeKey ?? '<one of INTAKE_API_KEYS>';
  const adminToken = b.devAdminToken ?? '<an ADMIN_TOKENS token>';
  const rule = '='.repeat(78);
  const lines = [
    rule,
    `lead-router is serving on ${b.url} (embedded: PGlite in ${resolve(b.dataDir)}, jobs in-process)`,
    '',
    ...(b.devIntakeKey || b.devAdminToken
      ? [
          '!! DEVELOPMENT CREDENTIALS: anyone who can reach this port can use them. Set INTAKE_API_KEYS',
          '!! and ADMIN_TOKENS (or DATABASE_URL for production) and they are gone.',
        ]
      : []),
    ...(b.devIntakeKey ? [`   intake key:  ${b.devIntakeKey}`] : []),
    ...(b.devAdminToken
      ? [`   admin token: ${b.devAdminToken}   (editor; kept in ${join(resolve(b.dataDir), devAdminTokenFile)})`]
      : []),
    '',
    'Send a lead:',
    `  curl -s ${b.url}/v1/leads -H 'x-api-key: ${intakeKey}' -H 'content-type: application/json' \\`,
    `    -d '{"source":"web-form","idempotencyKey":"lead-000001","lead":{"email":"ada@acme.com","country":"DE"}}'`,
    '',
    'See who got the last lead and why:',
    `  curl -s '${b.url}/v1/leads/latest/decision?format=text' -H 'x-admin-token: ${adminToken}'`,
    rule,
  ];
  return `${lines.join('\n')}\n`;
}
