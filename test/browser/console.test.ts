// The admin console in a real browser: Debian's chromium (headless, no sandbox) driven by
// playwright-core against the real service on Postgres and Redis, listening on a loopback port.
// One admin's session from sign-in to publish: break a rule and see the error at its line, fix it,
// simulate on recent leads, publish, open a lead's explanation, mark a rep away and see the next
// decisions skip them. Screenshots of the dashboard and the lead view go to test-artifacts/.
import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postLead, useTestSystem } from '../support/system.js';
import { until } from '../support/until.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const editorToken = 'editor-token-0123456789';
export const artifactsDir = 'test-artifacts';

const sys = useTestSystem(() => ({
  env: { ADMIN_TOKENS: `viewer:viewer-token-0123456789,editor:${editorToken}` },
  migrate: true,
  working: true,
}));

let browser: Browser;
let page: Page;
let base: string;
/** What the page itself complained about: script errors, refused loads (CSP), failed requests. */
const complaints: string[] = [];

beforeAll(async () => {
  if (!existsSync(chromiumPath))
    throw new Error(`no chromium at ${chromiumPath}: apt-get install -y chromium (.ci/test does)`);
  base = await sys.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => complaints.push(`page error: ${e.message}`));
  // The browser's own guess at /favicon.ico (outside /admin) is not a page's doing.
  page.on('console', (m) => {
    const at = m.location().url;
    if (m.type() === 'error' && !at.endsWith('/favicon.ico')) complaints.push(`console: ${m.text()} (${at})`);
  });
  page.on('response', (r) => void (r.status() === 404 && complaints.push(`404: ${new URL(r.url()).pathname}`)));
  mkdirSync(artifactsDir, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
});

let n = 0;
/** Sends one lead through the API and waits until it is routed; its lead id and owner. */
async function routeLead(): Promise<{ leadId: string; owner: string | null; email: string }> {
  const key = `browser-${String(++n).padStart(3, '0')}`;
  const eventId = await postLead(sys.app, key);
  const row = await until(
    async () =>
      (
        await sys.sql.rows<{ lead_id: string; rep_id: string | null }>(
          `select lead_id, rep_id from assignments where event_id = $1`,
          [eventId],
        )
      )[0],
    { what: `lead ${key} routed` },
  );
  return { leadId: row.lead_id, owner: row.rep_id, email: `${key}@acme.example` };
}

/** The 1-based line of the editor's text that holds `needle`. */
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('the console in a browser', () => {
  it('signs in with an editor token and lands on the page asked for', async () => {
    await page.goto(`${base}/admin/config`);
    expect(new URL(page.url()).pathname).toBe('/admin/sign-in');
    await page.getByLabel('Admin token').fill(editorToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/admin/config`);
    expect(page.url()).not.toContain(editorToken);
    await expect(page.getByRole('heading', { name: 'Active: version 1' }).isVisible()).resolves.toBe(true);
    const cookies = await page.context().cookies();
    expect(cookies).toEqual([expect.objectContaining({ name: 'lr_console', httpOnly: true, sameSite: 'Strict' })]);
    expect(cookies[0]!.value).not.toContain(editorToken);
  });

  it('shows a broken rule at its line, and a valid draft once it is fixed', async () => {
    for (let i = 0; i < 6; i++) await routeLead(); // recent leads to simulate on
    await page.getByLabel('New draft from the active version').fill('two reps only');
    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.waitForURL(/\/admin\/config\/drafts\/[0-9a-f-]{36}$/);

    const editor = page.getByLabel('Config document');
    const original = await editor.inputValue();
    const broken = original.replace(/pool: inbound\n/, 'pool: nowhere\n');
    expect(broken).not.toBe(original);
    await editor.fill(broken);
    await page.getByRole('button', { name: 'Save and validate' }).click();
    const line = lineOf(broken, 'pool: nowhere');
    const marked = page.locator(`#checks li.error[data-line="${line}"]`);
    await marked.waitFor();
    // htmx swapped the result in: the page did not navigate to the form's action.
    expect(page.url()).toMatch(/\/admin\/config\/drafts\/[0-9a-f-]{36}$/);
    expect(await marked.textContent()).toContain('routing.rules[id=everyone].action.pool');
    expect((await page.locator('#checks ul.errors li').first().textContent())?.trim()).toMatch(
      new RegExp(`^line ${line}: `),
    );

    // Fixed, and one real change: bo and ana only, cy leaves the pool.
    const fixed = original.replace(/members:\n(\s+)- ana\n\s+- bo\n\s+- cy\n/, 'members:\n$1- ana\n$1- bo\n');
    expect(fixed).not.toBe(original);
    await editor.fill(fixed);
    await page.getByRole('button', { name: 'Save and validate' }).click();
    await page.getByText('The draft is valid.').waitFor();
    expect(await page.locator('#checks pre.diff').textContent()).toContain('routing.pools[id=inbound].members');
  });

  it('simulates the draft on the recent leads and shows whose owner changes', async () => {
    await page.getByLabel('The last N stored leads').fill('6');
    await page.getByRole('button', { name: 'Simulate' }).click();
    const rows = page.locator('#simulation table.simulation tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(6);
    const drafted = await page.locator('#simulation td[data-label="Draft"]').allTextContents();
    expect(drafted.every((o) => o === 'ana' || o === 'bo')).toBe(true);
    expect(await page.locator('#simulation tr.changed').count()).toBeGreaterThan(0);
    expect(await page.locator('#simulation [role="status"]').textContent()).toMatch(
      /6 leads: 6 assigned.*would change owner/s,
    );
  });

  it('publishes the draft with a message; it is active and in the audit trail', async () => {
    await page.getByLabel('Message').fill('cy moves to partners');
    await page.getByRole('button', { name: 'Publish and make active' }).click();
    await page.waitForURL(`${base}/admin/config?published=2`);
    await page.getByText('Published version 2; it is active now.').waitFor();
    await expect(page.getByRole('heading', { name: 'Active: version 2' }).isVisible()).resolves.toBe(true);
    const [v] = await sys.sql.rows<{ version: number; message: string }>(
      `select v.version, v.message from config_active a join config_versions v on v.version = a.version`,
    );
    expect(v).toEqual({ version: 2, message: 'cy moves to partners' });
    expect(await page.locator('section[aria-labelledby="activations"] tbody tr').first().textContent()).toContain(
      'cy moves to partners',
    );
  });

  it("opens a lead's explanation from the search", async () => {
    const lead = await routeLead();
    await page.getByRole('link', { name: 'Leads' }).click();
    await page.getByLabel('Email').fill(lead.email);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: lead.email }).click();
    await page.waitForURL(`${base}/admin/leads/${lead.leadId}`);
    const trace = await page.locator('pre.trace').textContent();
    expect(trace).toContain(`Assigned to rep ${lead.owner}`);
    expect(trace).toContain('under config version 2');
    expect(await page.locator('section[aria-labelledby="speed"] td[data-label="Step"]').allTextContents()).toEqual(
      expect.arrayContaining(['received', 'decided']),
    );
    await page.screenshot({ path: `${artifactsDir}/console-lead.png`, fullPage: true });
    // The lead view on a phone: one column, nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    // The page's own width (a string: the test runs in node, which has no DOM types).
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.screenshot({ path: `${artifactsDir}/console-lead-phone.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('marks a rep away; the next decisions skip them, and back returns them', async () => {
    await page.getByRole('link', { name: 'Reps' }).click();
    await page.getByRole('button', { name: 'Mark ana away' }).click();
    await page.locator('tr[data-rep="ana"] strong', { hasText: 'away' }).waitFor();

    const next = [await routeLead(), await routeLead()];
    expect(next.map((l) => l.owner)).toEqual(['bo', 'bo']);
    // On ana's turn the trace says she was passed over because she is away.
    const traces: Array<string | null> = [];
    for (const l of next) {
      await page.goto(`${base}/admin/leads/${l.leadId}`);
      traces.push(await page.locator('pre.trace').textContent());
    }
    expect(
      traces.some((t) =>
        /REP_AWAY \(rep ana, pool inbound\): marked away since .* by editor:[0-9a-f]{8}/.test(t ?? ''),
      ),
    ).toBe(true);

    await page.goto(`${base}/admin/reps`);
    await page.getByRole('button', { name: 'Mark ana back' }).click();
    await page.getByRole('button', { name: 'Mark ana away' }).waitFor();
  });

  it('switches a connector from shadow to live: a published version with its message, in the audit trail', async () => {
    // HubSpot in shadow, as an admin would have set it up through the admin API.
    const asEditor = { 'x-admin-token': editorToken };
    const active = (await sys.app.inject({ url: '/v1/admin/config', headers: asEditor })).json();
    const shadow = await sys.app.inject({
      method: 'POST',
      url: '/v1/admin/config/publish',
      headers: asEditor,
      payload: {
        document: { ...active.document, connectors: { hubspot: { mode: 'shadow' } } },
        message: 'hubspot in shadow',
      },
    });
    expect(shadow.statusCode).toBe(201);
    const shadowVersion = shadow.json().version as number;

    await page.goto(`${base}/admin/config`);
    const row = page.locator('tr[data-crm="hubspot"]');
    expect(await row.locator('td[data-label="Mode"]').textContent()).toBe('shadow');
    // The evidence beside the switch (no HubSpot leads in this file: nothing decided in shadow yet).
    expect(await page.locator('[data-metric="shadow-agreement"]').textContent()).toMatch(/0 leads decided.*\(—\)/s);
    await page.getByRole('button', { name: 'Switch hubspot to live' }).click();
    await page.waitForURL(`${base}/admin/config?published=${shadowVersion + 1}`);
    expect(await row.locator('td[data-label="Mode"]').textContent()).toBe('live');

    const [now] = await sys.sql.rows<{ version: number; document: { connectors?: unknown } }>(
      `select v.version, v.document from config_active a join config_versions v on v.version = a.version`,
    );
    expect(now).toEqual({
      version: shadowVersion + 1,
      document: expect.objectContaining({ connectors: { hubspot: { mode: 'live' } } }),
    });
    const [audit] = await sys.sql.rows<{ kind: string; by: string; message: string }>(
      `select kind, by, message from config_activations order by at desc limit 1`,
    );
    expect(audit).toEqual({
      kind: 'publish',
      by: expect.stringMatching(/^editor:[0-9a-f]{8}$/),
      message: 'hubspot: shadow -> live',
    });
  });

  it('shows the dashboard', async () => {
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.locator('[data-metric="dead-letters"]').waitFor();
    expect(await page.locator('[data-metric="dead-letters"]').textContent()).toBe('0');
    expect(await page.locator('[data-metric="waiting"]').textContent()).toBe('0');
    expect(await page.locator('[data-metric="unassigned"]').textContent()).toBe('0');
    // Every lead of this file routed within the period: the speed chart and the distribution per rep.
    // Each percentile is drawn: a dot per bucket of the numbers table (one bucket drew axes only before).
    const buckets = await page
      .locator('section[aria-labelledby="speed-title"] details table')
      .first()
      .locator('tbody tr')
      .count();
    expect(buckets).toBeGreaterThan(0);
    for (const k of ['p50', 'p95', 'p99']) {
      const dots = await page
        .locator(`#speed-title ~ figure svg circle.${k}`)
        .evaluateAll((cs) => cs.filter((c) => c.getBoundingClientRect().width > 0).length);
      expect(dots, k).toBe(buckets);
    }
    const reps = await page
      .locator('section[aria-labelledby="dist-title"] tr[data-rep]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-rep')));
    expect(reps).toEqual(expect.arrayContaining(['ana', 'bo']));
    await page.screenshot({ path: `${artifactsDir}/console-dashboard.png`, fullPage: true });
  });

  it('ran without a script error or a refused load (the Content-Security-Policy allows what the pages use)', () => {
    expect(complaints).toEqual([]);
  });
});
