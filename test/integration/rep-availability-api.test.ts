// The availability API against real Postgres and Redis, default config (ana, bo, cy in one
// round-robin pool): marking bo away sends his next lead to the next rep without a publish,
// marking him back returns him to the rotation, each change is audited, and bad requests write nothing.
import { describe, expect, it } from 'vitest';
import { postLead, useTestSystem } from '../support/system.js';
import { until } from '../support/until.js';

const viewerToken = 'viewer-token-0123456789';
const editorToken = 'editor-token-0123456789';
const boToken = 'bo-own-token-0123456789';
const anaToken = 'ana-own-token-0123456789';

const sys = useTestSystem(() => ({
  env: {
    ADMIN_TOKENS: `viewer:${viewerToken},editor:${editorToken}`,
    REP_TOKENS: `bo=${boToken},ana=${anaToken}`,
  },
  working: true,
  migrate: true,
}));

const put = (rep: string, payload: unknown, headers: Record<string, string>) =>
  sys.app.inject({ method: 'PUT', url: `/v1/reps/${rep}/availability`, headers, payload: payload as object });
const editor = { 'x-admin-token': editorToken };

let n = 0;
/** Posts one lead and waits for its assignment; returns the owner and the stored decision. */
async function routeOne(): Promise<{
  owner: string | null;
  decision: {
    reasons: Array<{ code: string; repId?: string; detail?: string }>;
    trace: { availability?: Record<string, unknown> };
  };
}> {
  const eventId = await postLead(sys.app, `avail-lead-${String(++n).padStart(4, '0')}`);
  const row = await until(
    async () =>
      (
        await sys.sql.rows<{ rep_id: string | null; decision: never }>(
          `select rep_id, decision from assignments where event_id = $1`,
          [eventId],
        )
      )[0],
    { what: `assignment ${n}` },
  );
  return { owner: row.rep_id, decision: row.decision };
}

const audit = () =>
  sys.sql.rows<{
    rep_id: string;
    status: string;
    away_until: Date | null;
    note: string | null;
    previous: unknown;
    changed_by: string;
  }>(
    `select rep_id, status, away_until, note, previous, changed_by from rep_availability_changes order by changed_at, id`,
  );

describe('PUT /v1/reps/:id/availability', () => {
  it('away takes bo out of the rotation at once, back returns him, both audited; no publish', async () => {
    expect((await routeOne()).owner).toBe('ana');

    const away = await put('bo', { status: 'away', note: 'sick' }, editor);
    expect(away.statusCode).toBe(200);
    expect(away.json()).toMatchObject({
      repId: 'bo',
      effective: 'away',
      status: { status: 'away', note: 'sick', by: 'editor:' + away.json().status.by.slice(7) },
    });
    expect(away.json().status.by).toMatch(/^editor:[0-9a-f]{8}$/);

    const skipped = await routeOne(); // bo's turn
    expect(skipped.owner).toBe('cy');
    expect(skipped.decision.reasons).toContainEqual(
      expect.objectContaining({
        code: 'REP_AWAY',
        repId: 'bo',
        detail: expect.stringMatching(/^marked away since .* by editor:[0-9a-f]{8} \(sick\)$/),
      }),
    );
    expect(skipped.decision.trace.availability).toMatchObject({ bo: { status: 'away', note: 'sick' } });
    expect((await routeOne()).owner).toBe('ana');

    // bo marks himself back with his own token.
    const back = await put('bo', { status: 'back' }, { authorization: `Bearer ${boToken}` });
    expect(back.statusCode).toBe(200);
    expect(back.json()).toMatchObject({
      repId: 'bo',
      effective: 'as_configured',
      status: { status: 'back', by: 'rep:bo' },
    });
    expect((await routeOne()).owner).toBe('bo');

    expect(await audit()).toEqual([
      {
        rep_id: 'bo',
        status: 'away',
        away_until: null,
        note: 'sick',
        previous: null,
        changed_by: away.json().status.by,
      },
      {
        rep_id: 'bo',
        status: 'back',
        away_until: null,
        note: null,
        previous: expect.objectContaining({ status: 'away', note: 'sick' }),
        changed_by: 'rep:bo',
      },
    ]);
    expect(await sys.sql.rows(`select version from config_versions`)).toHaveLength(1);

    const read = await sys.app.inject({
      method: 'GET',
      url: '/v1/reps/bo/availability',
      headers: { 'x-admin-token': viewerToken },
    });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({
      repId: 'bo',
      effective: 'as_configured',
      status: { status: 'back' },
      changes: [
        { status: 'back', changedBy: 'rep:bo' },
        { status: 'away', note: 'sick' },
      ],
    });
  });

  it('away until an instant', async () => {
    const untilIso = new Date(Date.now() + 3_600_000).toISOString();
    const res = await put('cy', { status: 'away', until: untilIso }, editor);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ effective: 'away', status: { status: 'away', until: untilIso } });
    await put('cy', { status: 'back' }, editor);
  });
});

describe('refusals write nothing', () => {
  const cases: Array<{
    name: string;
    rep: string;
    body: unknown;
    headers: Record<string, string>;
    status: number;
    expected: unknown;
  }> = [
    {
      name: 'an unknown rep (with a did-you-mean)',
      rep: 'Ana',
      body: { status: 'away' },
      headers: editor,
      status: 404,
      expected: {
        code: 'NOT_FOUND',
        message: 'rep "Ana" is not in the active config; did you mean "ana"?',
        errors: [{ path: 'params.id', message: 'rep "Ana" is not in the active config; did you mean "ana"?' }],
      },
    },
    {
      name: 'an unknown status',
      rep: 'bo',
      body: { status: 'gone' },
      headers: editor,
      status: 400,
      expected: { code: 'VALIDATION_FAILED', errors: [{ path: 'body.status', message: 'status is "away" or "back"' }] },
    },
    {
      name: 'an until that is not an instant',
      rep: 'bo',
      body: { status: 'away', until: 'tomorrow' },
      headers: editor,
      status: 400,
      expected: { code: 'VALIDATION_FAILED', errors: [{ path: 'body.until', message: expect.any(String) }] },
    },
    {
      name: 'an until with back',
      rep: 'bo',
      body: { status: 'back', until: '2030-01-01T00:00:00Z' },
      headers: editor,
      status: 400,
      expected: {
        code: 'VALIDATION_FAILED',
        errors: [{ path: 'body.until', message: expect.stringContaining('unknown key') }],
      },
    },
    {
      name: 'an until in the past',
      rep: 'bo',
      body: { status: 'away', until: '2020-01-01T00:00:00Z' },
      headers: editor,
      status: 400,
      expected: {
        code: 'VALIDATION_FAILED',
        errors: [{ path: 'body.until', message: expect.stringMatching(/^must be in the future/) }],
      },
    },
    {
      name: 'a viewer token',
      rep: 'bo',
      body: { status: 'away' },
      headers: { 'x-admin-token': viewerToken },
      status: 403,
      expected: { code: 'FORBIDDEN' },
    },
    {
      name: "another rep's token",
      rep: 'bo',
      body: { status: 'away' },
      headers: { authorization: `Bearer ${anaToken}` },
      status: 403,
      expected: {
        code: 'FORBIDDEN',
        message: "a rep token reads and sets only its own rep's availability (this one is ana's)",
      },
    },
    {
      name: 'no token',
      rep: 'bo',
      body: { status: 'away' },
      headers: {},
      status: 401,
      expected: { code: 'UNAUTHORIZED' },
    },
  ];
  it.each(cases)('$name: $status', async ({ rep, body, headers, status, expected }) => {
    const before = { rows: await sys.sql.rows(`select * from rep_availability order by rep_id`), audit: await audit() };
    const res = await put(rep, body, headers);
    expect(res.statusCode).toBe(status);
    expect(res.json()).toMatchObject(expected as object);
    expect({
      rows: await sys.sql.rows(`select * from rep_availability order by rep_id`),
      audit: await audit(),
    }).toEqual(before);
  });
});
