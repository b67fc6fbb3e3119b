// Reps from the CRM through the admin API: GET proposes (viewer, changes nothing), POST makes the
// config draft (editor), against the HubSpot stand-in's owners and the e2e config's reps.
import { expect, it } from 'vitest';
import { startHubSpotStandIn, type HubSpotStandIn } from '../support/hubspot-standin.js';
import { useTestSystem } from '../support/system.js';

const editor = 'editor-token-reps-0123456';
const viewer = 'viewer-token-reps-0123456';
let hs: HubSpotStandIn;
const sys = useTestSystem(async () => {
  hs = await startHubSpotStandIn({
    owners: [
      { id: '101', email: 'ana@example.com', firstName: 'Ana', lastName: 'Lopez' },
      { id: '104', email: 'dee@example.com', firstName: 'Dee', lastName: 'Park' },
    ],
  });
  const hubspot = { baseUrl: hs.url, auth: { kind: 'private_app', token: 'pat-reps' }, clientSecret: 'reps-0001' };
  return {
    env: {
      ADMIN_TOKENS: `editor:${editor},viewer:${viewer}`,
      HUBSPOT_CONFIG: JSON.stringify(hubspot),
      CONFIG_FILE: 'fixtures/config/hubspot-e2e.yaml',
    },
    migrate: true,
    after: () => hs?.close(),
  };
});
const call = (method: 'GET' | 'POST', token: string) =>
  sys.app.inject({ method, url: '/v1/admin/reps/import', headers: { 'x-admin-token': token } });
const drafts = async () => (await sys.sql.rows<{ n: number }>(`select count(*)::int as n from config_drafts`))[0]!.n;

it('GET proposes one rep per CRM user, matched to the config reps, and writes nothing', async () => {
  const res = await call('GET', viewer);
  expect(res.statusCode).toBe(200);
  expect(res.json().proposals).toEqual([
    expect.objectContaining({ id: 'ana', email: 'ana@example.com', crmIds: { hubspot: '101' }, existing: 'ana' }),
    expect.objectContaining({ id: 'dee', email: 'dee@example.com', crmIds: { hubspot: '104' }, active: true }),
  ]);
  expect(res.json().proposals[1].existing).toBeUndefined();
  expect(await drafts()).toBe(0);
});

it('POST makes the draft (editor only); a viewer is refused and nothing is written', async () => {
  const refused = await call('POST', viewer);
  expect(refused.statusCode).toBe(403);
  expect(await drafts()).toBe(0);
  const res = await call('POST', editor);
  expect(res.statusCode).toBe(201);
  const draftId = res.json().draftId as string;
  const [draft] = await sys.sql.rows<{ reps: Array<{ id: string; crmIds: unknown }>; author: string }>(
    `select document->'routing'->'reps' as reps, author from config_drafts where id = $1`,
    [draftId],
  );
  expect(draft!.reps.map((r) => r.id)).toEqual(['ana', 'bo', 'cy', 'dee']);
  expect(draft!.reps.at(-1)).toMatchObject({ id: 'dee', crmIds: { hubspot: '104' } });
  expect(draft!.author).toMatch(/^editor/);
});
