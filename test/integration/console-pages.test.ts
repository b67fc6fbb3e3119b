// The console's pages that change or compute something, through fastify inject against real
// Postgres: weights and caps saved as a draft (not published), a YAML syntax error saved nowhere,
// the admin's YAML comments kept through a save, the draft form, a simulation on pasted CSV leads, and the lead search.
import { describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { useTestSystem, postLead } from '../support/system.js';
import { until } from '../support/until.js';

const editorToken = 'editor-token-0123456789';

const sys = useTestSystem(() => ({
  env: { ADMIN_TOKENS: `editor:${editorToken}` },
  migrate: true,
  working: true,
}));

let cookie = '';
let csrf = '';

async function signedIn(): Promise<void> {
  if (cookie) return;
  const res = await sys.app.inject({
    method: 'POST',
    url: '/admin/sign-in',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ token: editorToken }).toString(),
  });
  cookie = String(res.headers['set-cookie']).split(';')[0]!;
  const page = await sys.app.inject({ url: '/admin/config', headers: { cookie } });
  csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
}

const post = async (url: string, fields: Record<string, string>, htmx = false) => {
  await signedIn();
  return sys.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, ...(htmx && { 'hx-request': 'true' }) },
    payload: new URLSearchParams({ ...fields, _csrf: csrf }).toString(),
  });
};
const get = async (url: string) => {
  await signedIn();
  return sys.app.inject({ url, headers: { cookie } });
};

const drafts = () =>
  sys.sql.rows<{ id: string; name: string; document: any }>(
    `select id, name, document from config_drafts order by created_at`,
  );

describe('console pages', () => {
  it('saves weights and caps from the reps page as a new draft, leaving the active version alone', async () => {
    const res = await post('/admin/reps/draft', {
      'reps[0].present': '1',
      'reps[0].active': 'on',
      'reps[0].weight': '3',
      'reps[0].capPerDay': '40',
      'reps[1].present': '1',
      'reps[1].active': 'on',
      'reps[2].present': '1',
      'reps[2].active': 'on',
    });
    expect(res.statusCode).toBe(303);
    const [draft] = await drafts();
    expect(res.headers.location).toBe(`/admin/config/drafts/${draft!.id}`);
    expect(draft!.name).toBe('weights and caps from version 1');
    expect(draft!.document.routing.reps[0]).toMatchObject({ id: 'ana', weight: 3, capPerDay: 40, active: true });
    expect(draft!.document.routing.reps[1]).toMatchObject({ id: 'bo', active: true });
    expect((await sys.sql.rows<{ n: number }>(`select count(*)::int n from config_versions`))[0]!.n).toBe(1);

    const page = await get(res.headers.location as string);
    expect(page.body).toContain('~ routing.reps[id=ana].weight: 1 -&gt; 3');
  });

  it('does not save YAML that does not parse, and shows the error at its line', async () => {
    const [draft] = await drafts();
    const res = await post(`/admin/config/drafts/${draft!.id}/yaml`, { yaml: 'routing:\n  reps: [ana\n' }, true);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Not saved.');
    expect(res.body).toMatch(/<a href="#line-3">line 3<\/a>: <code>\(yaml\)<\/code>\s+not valid YAML: /);
    // The line past the end the parser points at is shown too, with the error under it.
    expect(res.body).toMatch(
      /<li id="line-3" data-line="3" class="error"> <span class="message">\(yaml\): not valid YAML/,
    );
    const [after] = await drafts();
    expect(after!.document).toEqual(draft!.document);
  });

  it("keeps the admin's YAML comments through a save; a change made through the API shows the document again", async () => {
    const [draft] = await drafts();
    const comment = '# Reviewed with sales on Monday: keep ana first';
    const text = `${comment}\n${toYaml(draft!.document, { lineWidth: 0 })}`;
    const saved = await post(`/admin/config/drafts/${draft!.id}/yaml`, { yaml: text }, true);
    expect(saved.body).toContain('Saved.');
    expect((await drafts())[0]!.document).toEqual(draft!.document);
    const page = await get(`/admin/config/drafts/${draft!.id}`);
    expect(page.body).toContain(`${comment}\nrouting:`);
    // The API's draft is the document alone, as before.
    const api = (url: string, method: 'GET' | 'PUT' = 'GET', payload?: object) =>
      sys.app.inject({ method, url, headers: { 'x-admin-token': editorToken }, ...(payload && { payload }) });
    expect(Object.keys((await api(`/v1/admin/config/drafts/${draft!.id}`)).json()).sort()).toEqual([
      'author',
      'baseVersion',
      'createdAt',
      'document',
      'id',
      'name',
      'updatedAt',
    ]);
    // A renamed draft keeps its text; a new document from the API has none, so the page shows the document's YAML.
    await api(`/v1/admin/config/drafts/${draft!.id}`, 'PUT', { name: draft!.name });
    expect((await get(`/admin/config/drafts/${draft!.id}`)).body).toContain(comment);
    await api(`/v1/admin/config/drafts/${draft!.id}`, 'PUT', { document: draft!.document });
    expect((await get(`/admin/config/drafts/${draft!.id}`)).body).not.toContain(comment);
  });

  it('the draft form writes its fields into the draft; a bad number is kept for validation to name at its line', async () => {
    const [draft] = await drafts();
    const res = await post(`/admin/config/drafts/${draft!.id}/form`, {
      'reps[1].weight': 'lots',
      'pools[0].members': 'ana, bo',
      'newRep.id': 'dee',
      'newRep.name': 'Dee',
    });
    expect(res.statusCode).toBe(303);
    const [after] = await drafts();
    expect(after!.document.routing.reps.map((r: { id: string }) => r.id)).toEqual(['ana', 'bo', 'cy', 'dee']);
    expect(after!.document.routing.reps[1].weight).toBe('lots');
    expect(after!.document.routing.pools[0].members).toEqual(['ana', 'bo']);
    const page = await get(`/admin/config/drafts/${draft!.id}`);
    expect(page.body).toMatch(/<a href="#line-(\d+)">line \1<\/a>: <code>routing\.reps\[id=bo\]\.weight<\/code>/);
  });

  it('simulates pasted CSV leads and names the rows that are not leads', async () => {
    const [draft] = await drafts();
    await post(`/admin/config/drafts/${draft!.id}/form`, { 'reps[1].weight': '1' });
    const bad = await post(
      `/admin/config/drafts/${draft!.id}/simulate`,
      { csv: 'email,country\na@x.example,DE\n,FR\n' },
      true,
    );
    expect(bad.body).toContain('row 3: email a lead needs an email or a phone');
    const ok = await post(
      `/admin/config/drafts/${draft!.id}/simulate`,
      { csv: 'email,country,employeeCount\na@x.example,DE,50\nb@x.example,FR,\nc@x.example,US,7\n' },
      true,
    );
    expect(ok.statusCode).toBe(200);
    const owners = [...ok.body.matchAll(/<td data-label="Draft">([^<]*)<\/td>/g)].map((m) => m[1]);
    expect(owners).toEqual(['ana', 'bo', 'ana']);
    expect(ok.body).toContain('3 leads: 3 assigned, 0 unassigned');
  });

  it('searches leads by email and outcome', async () => {
    const keys = ['search-one', 'search-two'];
    for (const key of keys) {
      await postLead(sys.app, key);
    }
    await until(async () => (await sys.sql.rows(`select 1 from assignments`)).length === 2);
    const one = await get('/admin/leads?email=search-one%40acme.example&outcome=assigned');
    expect([...one.body.matchAll(/<a href="\/admin\/leads\/[0-9a-f-]{36}">([^<]+)<\/a>/g)].map((m) => m[1])).toEqual([
      'search-one@acme.example',
    ]);
    const none = await get('/admin/leads?outcome=unassigned');
    expect(none.body).toContain('No lead matches.');
    const badTime = await get('/admin/leads?routedFrom=yesterday');
    expect(badTime.body).toContain('routed from: &quot;yesterday&quot; is not a date and time');
  });
});
