// POST/GET /v1/admin/accounts/sync: an editor starts a HubSpot sync in the background, a viewer
// watches it finish; a CRM not configured is a 404 naming it, and a viewer cannot start one.
import { expect, it } from 'vitest';
import { startHubSpotStandIn, type HubSpotStandIn } from '../support/hubspot-standin.js';
import { useTestSystem } from '../support/system.js';
import { until } from '../support/until.js';

const viewerToken = 'viewer-token-0123456789';
const editorToken = 'editor-token-0123456789';
const asViewer = { authorization: `Bearer ${viewerToken}` };
const asEditor = { authorization: `Bearer ${editorToken}` };
let hs: HubSpotStandIn;

const sys = useTestSystem(async () => {
  hs = await startHubSpotStandIn({
    records: {
      companies: Object.fromEntries(
        Array.from({ length: 30 }, (_, i) => [String(100 + i), { name: `Co ${i}`, domain: `co${i}.example` }]),
      ),
    },
  });
  const hubspot = {
    baseUrl: hs.url,
    auth: { kind: 'private_app', token: 'pat-admin' },
    clientSecret: 'admin-secret-01',
  };
  return {
    env: { ADMIN_TOKENS: `viewer:${viewerToken},editor:${editorToken}`, HUBSPOT_CONFIG: JSON.stringify(hubspot) },
    migrate: true,
    after: () => hs?.close(),
  };
});

/** POST /v1/admin/accounts/sync as the given admin: the status and the JSON body. */
async function startSync(crm: string, headers = asEditor) {
  const res = await sys.app.inject({ method: 'POST', url: '/v1/admin/accounts/sync', headers, payload: { crm } });
  return { status: res.statusCode, body: res.json() };
}

it('an editor starts a sync; the status shows it done with the mirror counts', async () => {
  expect(await startSync('hubspot')).toEqual({
    status: 202,
    body: { crm: 'hubspot', started: true, alreadyRunning: false },
  });
  const status = await until(
    async () => {
      const res = await sys.app.inject({ method: 'GET', url: '/v1/admin/accounts/sync', headers: asViewer });
      const body = res.json() as { syncs: Array<{ object: string; status: string; runningHere: boolean }> };
      // The cursors say done a moment before the background run lets go of its slot; a client
      // polling the status waits for both, as `accounts sync --url` does.
      const finished = body.syncs.every((s) => s.status === 'done' && !s.runningHere);
      return body.syncs.length === 2 && finished ? body : undefined;
    },
    { what: 'both syncs done and no longer running here' },
  );
  expect(status).toMatchObject({
    accounts: [{ crm: 'hubspot', live: 30, deleted: 0 }],
    people: [],
    syncs: [
      { crm: 'hubspot', object: 'accounts', mode: 'full', status: 'done', loaded: 30, calls: 1, runningHere: false },
      { crm: 'hubspot', object: 'contacts', mode: 'full', status: 'done', loaded: 0, calls: 1, runningHere: false },
    ],
  });
});

it('a CRM that is not configured is a 404 naming it; a viewer may not start a sync', async () => {
  expect(await startSync('salesforce')).toMatchObject({
    status: 404,
    body: { code: 'CONNECTOR_NOT_CONFIGURED', message: 'connector "salesforce" is not configured' },
  });
  expect((await startSync('hubspot', asViewer)).status).toBe(403);
  expect(await startSync('zoho')).toMatchObject({
    status: 400,
    body: { code: 'VALIDATION_FAILED', errors: [{ path: 'body.crm' }] },
  });
});
