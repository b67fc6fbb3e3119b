// Erasure on request and retention (docs/operations.md): personal data leaves every table that held
// it (checked by searching every table of the database for the person's values), while the
// decisions stay: same rows, same outcomes and owners, still countable. The email never reaches the
// audit trail, a log line or the CLI's output: only its SHA-256 does.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { retentionOnce } from '../../src/pipeline/index.js';
import { leadBody, testApiKey, useTestSystem } from '../support/system.js';
import { testLogPath } from '../support/test-logs.js';
import { until } from '../support/until.js';

const viewer = 'viewer-token-erasure-01';
const editor = 'editor-token-erasure-01';
const configFile = join(mkdtempSync(join(tmpdir(), 'erasure-')), 'config.yaml');
// The default config with a rule that reads the email first, so each decision's trace holds it.
writeFileSync(
  configFile,
  readFileSync('fixtures/config/default.yaml', 'utf8').replace(
    '  rules:\n',
    '  rules:\n    - { id: testers, when: { field: email, op: matches, value: "^test[+.]" }, action: { pool: inbound } }\n',
  ),
);

const sys = useTestSystem(() => ({
  env: { ADMIN_TOKENS: `viewer:${viewer},editor:${editor}`, CONFIG_FILE: configFile },
  working: true,
  migrate: true,
}));

const person = { firstName: 'Alicja', lastName: 'Kowalczyk', phone: '+48 600 700 800', company: 'Kowalczyk Sp' };
const aliceEmail = 'alicja.kowalczyk@example.org';
const bobEmail = 'bob.bystander@example.org';

const post = (key: string, lead: Record<string, unknown>) =>
  sys.app.inject({
    method: 'POST',
    url: '/v1/leads',
    headers: { 'x-api-key': testApiKey },
    payload: leadBody(key, lead),
  });
const erase = (email: string, token = editor) =>
  sys.app.inject({
    method: 'POST',
    url: '/v1/admin/erasures',
    headers: { 'x-admin-token': token },
    payload: { email },
  });

/** Every table of the database whose rows, as text, contain this value (case-insensitive). */
async function tablesHolding(value: string): Promise<string[]> {
  const tables = await sys.sql.rows<{ name: string }>(
    `select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
  );
  const holding: string[] = [];
  for (const { name } of tables) {
    const [r] = await sys.sql.rows<{ n: string }>(
      `select count(*) n from "${name}" t where strpos(lower(t::text), lower($1)) > 0`,
      [value],
    );
    if (Number(r!.n) > 0) holding.push(name);
  }
  return holding;
}

const decisions = () =>
  sys.sql.rows<{ outcome: string; rep_id: string; rule_id: string; n: string }>(
    `select outcome, rep_id, rule_id, count(*) n from assignments group by 1, 2, 3 order by 1, 2, 3`,
  );

async function routed(keys: string[]) {
  await until(
    async () =>
      Number(
        (
          await sys.sql.rows<{ n: string }>(
            `select count(*) n from outbox o join leads l on l.id = o.lead_id where l.record_id = any($1) and o.status = 'done'`,
            [keys],
          )
        )[0]!.n,
      ) === keys.length,
    { what: `${keys.length} leads routed and written` },
  );
}

describe('erasure on request', () => {
  it("erases one person's data from every table (leads, events, decisions, CRM answers, dead letters), audited by hash; others untouched", async () => {
    for (const [key, lead] of [
      ['erase-a1', { ...person, email: aliceEmail }],
      ['erase-a2', { ...person, email: aliceEmail.toUpperCase(), country: 'PL' }],
      ['erase-b1', { email: bobEmail, firstName: 'Bob' }],
    ] as const)
      expect((await post(key, lead)).statusCode).toBe(202);
    await routed(['erase-a1', 'erase-a2', 'erase-b1']);
    // A CRM answer quoting the person, and a dead letter of hers that never became a lead.
    await sys.sql.rows(
      `update outbox set crm_response = jsonb_build_object('ok', false, 'code', 'CRM_REJECTED', 'message', 'bad phone for ' || $1::text), last_error = 'refused: ' || $1::text
       where lead_id in (select id from leads where record_id = 'erase-a1')`,
      [aliceEmail],
    );
    await sys.sql.rows(
      `insert into inbound_events (source, source_event_id, kind, crm, object_type, record_id, payload, status, last_error, error_code)
       values ('api:web-form', 'erase-dead', 'created', 'api', 'lead', 'erase-dead', $1::jsonb, 'failed', 'VALIDATION_FAILED', 'VALIDATION_FAILED')`,
      [JSON.stringify({ lead: { email: aliceEmail, phone: person.phone } })],
    );
    // She is also a contact in HubSpot: the people mirror holds her email and owner.
    await sys.sql.rows(
      `insert into crm_people (crm, kind, id, email, owner_crm_id, synced_at) values ('hubspot', 'contact', '9001', $1, '101', now())`,
      [aliceEmail],
    );
    // A Slack DM about her lead, rendered and waiting to be sent (quiet hours).
    await sys.sql.rows(
      `insert into notifications (event, channel, target, lead_id, dedupe_key, subject, body, payload)
       select 'lead_assigned', 'slack', 'U1', id, 'erase-note-1', 'New lead: ' || $1::text, 'Call ' || $2::text || ' at ' || $3::text, jsonb_build_object('email', $1::text)
       from leads where record_id = 'erase-a1'`,
      [aliceEmail, person.firstName, person.phone],
    );
    const before = await decisions();
    expect(before.map((d) => d.rule_id)).toContain('everyone');
    expect(await tablesHolding(aliceEmail)).toEqual([
      'assignments',
      'crm_people',
      'inbound_events',
      'leads',
      'notifications',
      'outbox',
    ]);

    expect((await erase(aliceEmail, viewer)).statusCode).toBe(403);
    const res = await erase(`  ${aliceEmail.toUpperCase()} `.trim());
    expect(res.statusCode).toBe(200);
    const hash = createHash('sha256').update(aliceEmail).digest('hex');
    expect(res.json()).toEqual({
      id: expect.any(String),
      emailSha256: hash,
      // 2 leads; their 2 events + the dead letter; their 2 decisions; their 2 owner writes; the DM.
      // ... and her mirrored HubSpot contact (existingOwner's people mirror).
      rows: { leads: 2, inbound_events: 3, assignments: 2, outbox: 2, notifications: 1, crm_people: 1 },
    });

    for (const value of [aliceEmail, person.firstName, person.lastName, person.phone, person.company])
      expect(await tablesHolding(value), value).toEqual([]);
    // Decisions stay: the same rows, outcomes, owners and rules; the leads keep what figures need.
    expect(await decisions()).toEqual(before);
    const kept = { source: expect.any(Object), emailDomain: 'example.org', freeEmail: false };
    const leads = await sys.sql.rows(
      `select record_id, data, anonymized_at is not null anonymized from leads where record_id like 'erase-a%' order by 1`,
    );
    expect(leads).toEqual([
      // A company's email domain names no one; it stays, as routing and figures use it.
      { record_id: 'erase-a1', data: { ...kept, country: 'DE' }, anonymized: true },
      { record_id: 'erase-a2', data: { ...kept, country: 'PL' }, anonymized: true },
    ]);
    const [check] = await sys.sql.rows<{ saw: string }>(
      `select a.decision->'trace'->'rules'->0->'checks'->0->>'saw' saw from assignments a join leads l on l.id = a.lead_id where l.record_id = 'erase-a1'`,
    );
    expect(check!.saw).toBe('[erased]');
    const [write] = await sys.sql.rows(
      `select status, crm_response, last_error from outbox o join leads l on l.id = o.lead_id where l.record_id = 'erase-a1'`,
    );
    expect(write).toEqual({ status: 'done', crm_response: { ok: false, code: 'CRM_REJECTED' }, last_error: null });
    // The DM is not sent with an erased text.
    expect(await sys.sql.rows(`select status from notifications where dedupe_key = 'erase-note-1'`)).toEqual([
      { status: 'skipped' },
    ]);
    // Bob is untouched.
    expect(await tablesHolding(bobEmail)).toEqual(['assignments', 'inbound_events', 'leads']);

    // Audited: who, when, how many rows; the email only as its hash.
    const audit = await sys.app.inject({ url: '/v1/admin/erasures', headers: { 'x-admin-token': viewer } });
    expect(audit.statusCode).toBe(200);
    expect(audit.json().erasures).toEqual([
      {
        id: res.json().id,
        emailSha256: hash,
        requestedBy: expect.stringMatching(/^editor:[0-9a-f]{8}$/),
        rows: res.json().rows,
        at: expect.any(String),
      },
    ]);
    // A second request finds nothing left (the email is gone), and is audited too.
    expect((await erase(aliceEmail)).json().rows).toEqual({
      leads: 0,
      inbound_events: 0,
      assignments: 0,
      outbox: 0,
      notifications: 0,
      crm_people: 0,
    });
    expect(await sys.sql.rows(`select count(*)::int n from erasures where email_sha256 = $1`, [hash])).toEqual([
      { n: 2 },
    ]);
  });

  it('`lead-router erase --email` erases through the database when no service is named, printing only the hash', async () => {
    const lines: string[] = [];
    const code = await runCli(['erase', '--email', bobEmail], {
      source: { DATABASE_URL: sys.db.url, LOG_LEVEL: 'silent' },
      io: { out: (s) => lines.push(s), err: (s) => lines.push(s) },
    });
    expect(code).toBe(0);
    const output = lines.join('\n');
    expect(output).toContain(createHash('sha256').update(bobEmail).digest('hex'));
    expect(output).toContain('leads 1');
    expect(output).not.toContain(bobEmail);
    expect(await tablesHolding(bobEmail)).toEqual([]);
    const [audit] = await sys.sql.rows(`select requested_by from erasures order by at desc limit 1`);
    expect(audit).toEqual({ requested_by: 'cli' });
  });

  it('a bad email is a 400 naming the field; nothing is written', async () => {
    const res = await erase('not-an-email');
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json())).toContain('email');
    expect(
      await sys.sql.rows(`select 1 from erasures where email_sha256 = $1`, [
        createHash('sha256').update('not-an-email').digest('hex'),
      ]),
    ).toEqual([]);
  });

  it('no log line of the service holds an erased email', async () => {
    const log = readFileSync(testLogPath(), 'utf8');
    expect(log).toContain('personal data erased');
    expect(log.toLowerCase()).not.toContain(aliceEmail);
  });
});

describe('retention', () => {
  it('purges finished events and anonymizes leads past the age, in batches, keeping decisions; work in flight is left alone', async () => {
    const keys = ['keep-c001', 'keep-c002', 'keep-c003'];
    for (const key of keys)
      expect((await post(key, { ...person, email: `carol.${key}@example.org` })).statusCode).toBe(202);
    await routed(keys);
    // A sent email about one of them, quoting the person.
    await sys.sql.rows(
      `insert into notifications (event, channel, target, lead_id, dedupe_key, subject, body, payload, status)
       select 'lead_assigned', 'email', 'rep@example.com', id, 'keep-note-1', 'New lead: ' || $1::text, 'Call ' || $1::text, '{}'::jsonb, 'done'
       from leads where record_id = 'keep-c001'`,
      ['carol.keep-c001@example.org'],
    );
    await sys.sql.rows(
      `insert into inbound_events (source, source_event_id, kind, crm, object_type, record_id, payload, status)
       values ('api:web-form', 'in-flight', 'created', 'api', 'lead', 'in-flight', '{"lead":{"email":"dora@example.org"}}', 'received')`,
    );
    const before = await decisions();
    const db = sys.rt.deps.db;
    // Nothing is old enough yet.
    expect(await retentionOnce({ db, now: () => new Date() }, { days: 30, batch: 2 })).toEqual({
      events: 0,
      leads: 0,
      assignments: 0,
      outbox: 0,
      notifications: 0,
      people_tombstones: 0,
    });
    const later = new Date(Date.now() + 31 * 86_400_000);
    const first = await retentionOnce({ db, now: () => later }, { days: 30, batch: 2 });
    // Batches of 2 until done: the 3 finished events and 3 leads not yet purged by the erasures above...
    // ... and the people-mirror tombstone the erasure above left (ids only) is past the window.
    expect(first).toEqual({ events: 3, leads: 3, assignments: 3, outbox: 3, notifications: 1, people_tombstones: 1 });
    expect(await sys.sql.rows(`select count(*)::int n from crm_people`)).toEqual([{ n: 0 }]);
    expect(await tablesHolding('carol.keep')).toEqual([]);
    expect(await tablesHolding(person.phone)).toEqual([]);
    // ...but not an event still to route.
    expect(await tablesHolding('dora@example.org')).toEqual(['inbound_events']);
    expect(await decisions()).toEqual(before);
    // Done once: a second round finds nothing.
    expect(await retentionOnce({ db, now: () => later }, { days: 30, batch: 2 })).toEqual({
      events: 0,
      leads: 0,
      assignments: 0,
      outbox: 0,
      notifications: 0,
      people_tombstones: 0,
    });
  });
});
