// The console's sign-in and guards, through fastify inject against real Postgres: no session goes
// to the sign-in page, the token travels only in a POST body and comes back as an HttpOnly,
// SameSite=Strict cookie that does not hold it, a viewer can read but not change anything, a
// change needs the page's CSRF token, and no token reaches a URL, a page or the log.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { useTestSystem } from '../support/system.js';
import { testLogPath } from '../support/test-logs.js';
import { until } from '../support/until.js';

const viewerToken = 'viewer-token-0123456789';
const editorToken = 'editor-token-0123456789';

const sys = useTestSystem(() => ({
  env: { ADMIN_TOKENS: `viewer:${viewerToken},editor:${editorToken}` },
  migrate: true,
}));

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const formHeaders = (cookie?: string) => ({
  'content-type': 'application/x-www-form-urlencoded',
  ...(cookie && { cookie }),
});

async function signIn(token: string): Promise<string> {
  const res = await sys.app.inject({
    method: 'POST',
    url: '/admin/sign-in',
    headers: formHeaders(),
    payload: form({ token, next: '/admin/config' }),
  });
  expect(res.statusCode).toBe(303);
  expect(res.headers.location).toBe('/admin/config');
  const set = String(res.headers['set-cookie']);
  return set.split(';')[0]!;
}

/** The CSRF token a page's forms carry. */
async function csrfOf(cookie: string, url = '/admin/reps'): Promise<string> {
  const res = await sys.app.inject({ url, headers: { cookie } });
  expect(res.statusCode).toBe(200);
  return /name="_csrf" value="([^"]+)"/.exec(res.body)![1]!;
}

const availabilityRows = async () =>
  (await sys.sql.rows<{ n: number }>(`select count(*)::int n from rep_availability_changes`))[0]!.n;

describe('console sign-in', () => {
  it('sends a visitor without a session to the sign-in page, keeping only where to come back to', async () => {
    for (const url of ['/admin', '/admin/leads?email=a%40b.example', '/admin/config', '/admin/reps']) {
      const res = await sys.app.inject({ url });
      expect(res.statusCode, url).toBe(303);
      expect(res.headers.location).toBe(`/admin/sign-in?next=${encodeURIComponent(url)}`);
    }
    const page = await sys.app.inject({ url: '/admin/sign-in' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<form method="post" action="/admin/sign-in"');
    expect(page.body).toContain('<label for="token">Admin token</label>');
  });

  it('sets an HttpOnly, SameSite=Strict cookie for a valid token; the cookie does not hold the token', async () => {
    const res = await sys.app.inject({
      method: 'POST',
      url: '/admin/sign-in',
      headers: formHeaders(),
      payload: form({ token: editorToken, next: '/admin/reps' }),
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/reps');
    const set = String(res.headers['set-cookie']);
    expect(set).toMatch(
      /^lr_console=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+; Path=\/admin; HttpOnly; SameSite=Strict; Max-Age=43200$/,
    );
    const value = set.split(';')[0]!.split('=')[1]!;
    const decoded = Buffer.from(value.split('.')[0]!, 'base64url').toString('utf8');
    expect(decoded).toMatch(/^\["editor","editor:[0-9a-f]{8}",\d+,"[A-Za-z0-9_-]+"\]$/);
    expect(set).not.toContain(editorToken);
    const page = await sys.app.inject({ url: '/admin/reps', headers: { cookie: set.split(';')[0]! } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Mark bo away');
    expect(page.body).not.toContain(editorToken);
  });

  it('refuses a wrong token with the form again and no cookie; a forged or tampered cookie is no session', async () => {
    const res = await sys.app.inject({
      method: 'POST',
      url: '/admin/sign-in',
      headers: formHeaders(),
      payload: form({ token: 'not-a-token-0000000' }),
    });
    expect(res.statusCode).toBe(401);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.body).toContain('that token is not an admin token of this server');
    expect(res.body).not.toContain('not-a-token-0000000');

    const cookie = await signIn(viewerToken);
    const [body, sig] = cookie.split('=')[1]!.split('.');
    const asEditor = Buffer.from(
      Buffer.from(body!, 'base64url').toString('utf8').replace('"viewer"', '"editor"'),
    ).toString('base64url');
    const forged = await sys.app.inject({ url: '/admin', headers: { cookie: `lr_console=${asEditor}.${sig}` } });
    expect(forged.statusCode).toBe(303);
    expect(forged.headers.location).toMatch(/^\/admin\/sign-in/);
  });

  it('refuses a sign-in posted from another site', async () => {
    const res = await sys.app.inject({
      method: 'POST',
      url: '/admin/sign-in',
      headers: { ...formHeaders(), origin: 'https://evil.example' },
      payload: form({ token: editorToken }),
    });
    expect(res.statusCode).toBe(403);
    expect(res.headers['set-cookie']).toBeUndefined();
  });
});

describe('console changes', () => {
  it('a viewer sees no change buttons and is refused (403) when posting one anyway; nothing is written', async () => {
    const cookie = await signIn(viewerToken);
    const page = await sys.app.inject({ url: '/admin/reps', headers: { cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('Mark bo away');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!; // the sign-out form's
    const before = await availabilityRows();
    for (const url of [
      '/admin/reps/bo/availability',
      '/admin/config/drafts',
      '/admin/config/rollback',
      '/admin/failures/replay',
    ]) {
      const res = await sys.app.inject({
        method: 'POST',
        url,
        headers: formHeaders(cookie),
        payload: form({ _csrf: csrf, status: 'away', name: 'x', version: '1' }),
      });
      expect(res.statusCode, url).toBe(403);
      expect(res.body).toContain('a viewer session cannot change anything');
    }
    expect(await availabilityRows()).toBe(before);
    expect((await sys.sql.rows<{ n: number }>(`select count(*)::int n from config_drafts`))[0]!.n).toBe(0);
  });

  it('an editor change needs the page CSRF token and its own origin', async () => {
    const cookie = await signIn(editorToken);
    const before = await availabilityRows();
    const post = (payload: Record<string, string>, extra: Record<string, string> = {}) =>
      sys.app.inject({
        method: 'POST',
        url: '/admin/reps/bo/availability',
        headers: { ...formHeaders(cookie), ...extra },
        payload: form(payload),
      });
    expect((await post({ status: 'away' })).statusCode).toBe(403);
    expect((await post({ status: 'away', _csrf: 'AAAA' })).statusCode).toBe(403);
    const csrf = await csrfOf(cookie);
    expect((await post({ status: 'away', _csrf: csrf }, { origin: 'https://evil.example' })).statusCode).toBe(403);
    expect(await availabilityRows()).toBe(before);

    const ok = await post({ status: 'away', note: 'dentist', _csrf: csrf }, { origin: 'http://localhost:80' });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/admin/reps');
    const [row] = await sys.sql.rows<{ rep_id: string; status: string; note: string; changed_by: string }>(
      `select rep_id, status, note, changed_by from rep_availability_changes order by changed_at desc limit 1`,
    );
    expect(row).toEqual({
      rep_id: 'bo',
      status: 'away',
      note: 'dentist',
      changed_by: expect.stringMatching(/^editor:[0-9a-f]{8}$/),
    });
  });

  it('a post without a session is 401, never a redirect that would drop the form', async () => {
    const res = await sys.app.inject({
      method: 'POST',
      url: '/admin/reps/bo/availability',
      headers: formHeaders(),
      payload: form({ status: 'back' }),
    });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
  });

  it('no token reached a URL or a log line of this file', async () => {
    const log = await until(async () => {
      const text = await readFile(testLogPath('console-auth'), 'utf8').catch(() => '');
      return text.includes('console sign-in') ? text : undefined;
    });
    for (const secret of [viewerToken, editorToken, 'not-a-token-0000000']) expect(log).not.toContain(secret);
    const urls = log
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { url?: string; route?: string })
      .map((l) => l.url ?? l.route ?? '');
    expect(urls.some((u) => u.includes('/admin'))).toBe(true);
    for (const u of urls) expect(u).not.toMatch(/token=/);
  });
});
