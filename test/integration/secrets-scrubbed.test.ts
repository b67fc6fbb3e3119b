// Invariant 5 where errors are kept and shown: a credential a connector obtains at run time
// (here a session token, wrapped in a Secret the moment it is issued, as the connectors do) is
// scrubbed from the error stored in outbox.last_error, from the admin API's answers, and from
// every log line (this file's trace log is part of the scan after the suite).
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { Secret } from '../../src/config/index.js';
import type { CrmConnector } from '../../src/connector.js';
import { sqlClient } from '../support/services.js';
import { useTestSystem, postLead } from '../support/system.js';
import { testLogPath } from '../support/test-logs.js';
import { until } from '../support/until.js';

const viewerToken = 'viewer-token-0123456789';
// Minted at run time like an OAuth access token; the log scan's list cannot know it, so this file checks it itself.
let session: Secret;

/** A CRM whose every answer echoes the session it was called with, as Salesforce's INVALID_SESSION_ID does. */
function echoingCrm(name: 'api' | 'hubspot'): CrmConnector {
  const echo = () => `INVALID_SESSION_ID: Session ${session.reveal()} expired or invalid`;
  return {
    name,
    verifyRequest() {},
    parseEvents: () => [],
    fetchRecords: async () => [],
    writeOwners: async (writes) =>
      writes.map((w) => ({
        writeId: w.writeId,
        ok: false as const,
        code: 'CRM_REJECTED' as const,
        message: echo(),
        retryable: false,
      })),
    listOwners: async () => [],
    describeFields: async () => {
      throw new Error(echo());
    },
  };
}

const sys = useTestSystem(() => {
  session = new Secret(`00Dsess!${randomBytes(12).toString('hex')}`);
  return {
    env: { ADMIN_TOKENS: `viewer:${viewerToken}` },
    working: true,
    migrate: true,
    connectors: { api: echoingCrm('api'), hubspot: echoingCrm('hubspot') },
  };
});

it('stores a refused write-back without the token the CRM echoed', async () => {
  await postLead(sys.app, 'scrub-0001');
  const sql = await sqlClient(sys.db.url);
  try {
    const row = await until(
      async () =>
        (
          await sql.rows<{ last_error: string }>(
            `select last_error from outbox where record_id = 'scrub-0001' and status = 'failed'`,
          )
        )[0],
    );
    expect(row.last_error).toBe('CRM_REJECTED: INVALID_SESSION_ID: Session [redacted] expired or invalid');
  } finally {
    await sql.end();
  }
});

it('answers /v1/admin/config/validate (viewer) without the token in the CRM error it reports', async () => {
  const document = parseYaml(await readFile('fixtures/config/sample.yaml', 'utf8'));
  const res = await sys.app.inject({
    method: 'POST',
    url: '/v1/admin/config/validate',
    headers: { 'x-admin-token': viewerToken },
    payload: { document },
  });
  expect(res.statusCode).toBe(200);
  expect(res.body).not.toContain(session.reveal());
  expect(res.json()).toMatchObject({
    valid: false,
    errors: expect.arrayContaining([
      {
        path: 'mappings["hubspot/contact"]',
        message:
          'could not read the HubSpot contact schema from the CRM: INVALID_SESSION_ID: Session [redacted] expired or invalid',
      },
    ]),
  });
});

it('logs the refusal with the token scrubbed', async () => {
  const log = await until(async () => {
    const text = await readFile(testLogPath(), 'utf8');
    return text.includes('write-back refused by the CRM') && text;
  });
  expect(log).toContain('Session [redacted] expired');
  expect(log).not.toContain(session.reveal());
});
