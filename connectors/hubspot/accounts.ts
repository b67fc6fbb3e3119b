// The account mirror's reads from HubSpot (docs/accounts.md): companies and their contacts' emails.
// - Full load: the list API (GET /crm/v3/objects/companies, 100 a page, `after` cursor), which has
//   no result cap.
// - Changes since a watermark: the search API, filtered on the last-modified date and sorted by
//   hs_object_id, each page asking for ids above the last one seen. Paging by id never loops on
//   records sharing one timestamp, and never reaches search's 10,000-result cap (HubSpot refuses
//   `after` past 10,000), because every page is a fresh search starting at `after` 0.
// - Every call is background work: it waits behind owner writes in the portal's bucket.
import type { AccountSource, CrmAccount, CrmAccountContact, SyncPage, SyncReadOptions } from '../../src/connector.js';
import type { HubSpotApis } from './client.js';
import type { CallHubSpot } from './request.js';
import { parseAccountChanges, parseContactChanges } from './account-changes.js';
import { chunks } from './fetch-records.js';

export const listPageSize = 100;
export const searchPageSize = 200;
const background = { background: true };

const companyProperties = [
  'name',
  'domain',
  'hs_additional_domains',
  'hubspot_owner_id',
  'hs_parent_company_id',
  'type',
  'notes_last_updated',
  'createdate',
  'hs_lastmodifieddate',
  'num_associated_contacts',
  'num_associated_deals',
  'hs_num_child_companies',
];
// Contacts name their last-change date without the hs_ prefix (HubSpot's default contact properties).
const contactProperties = ['email', 'associatedcompanyid', 'hubspot_owner_id', 'lastmodifieddate'];

type Props = Record<string, string | null | undefined>;
interface HubSpotObject {
  id: string;
  properties: Props;
}
interface Paged {
  results: HubSpotObject[];
  paging?: { next?: { after?: string } };
}

export function createHubSpotAccountSource(deps: {
  apis: HubSpotApis;
  call: CallHubSpot;
  accountFields: readonly string[];
}): AccountSource {
  const { apis, call } = deps;
  const props = [...new Set([...companyProperties, ...deps.accountFields])];
  const toAccount = (o: HubSpotObject) => toCrmAccount(o, deps.accountFields);
  return {
    listAccounts: (opts) =>
      pages(opts, {
        list: (after) =>
          call('list companies', () => apis.companiesBasic.getPage(listPageSize, after, props), background),
        search: (req) => call('search companies', () => apis.companiesSearch.doSearch(sdkSearch(req)), background),
        modifiedProperty: 'hs_lastmodifieddate',
        properties: props,
        map: toAccount,
      }),
    listAccountContacts: (opts) =>
      pages(opts, {
        list: (after) =>
          call('list contacts', () => apis.contactsBasic.getPage(listPageSize, after, contactProperties), background),
        search: (req) => call('search contacts', () => apis.contactsSearch.doSearch(sdkSearch(req)), background),
        modifiedProperty: 'lastmodifieddate',
        properties: contactProperties,
        map: toContact,
      }),
    parseAccountChanges,
    parseContactChanges,
    async fetchAccountContacts(ids) {
      const out: CrmAccountContact[] = [];
      for (const chunk of chunks([...new Set(ids)], 100)) {
        const body = { inputs: chunk.map((id) => ({ id })), properties: contactProperties, propertiesWithHistory: [] };
        const res = await call(`read ${chunk.length} contacts`, () => apis.contactsBatch.read(body, false), background);
        out.push(...(res.results as HubSpotObject[]).map(toContact));
      }
      return out;
    },
    async fetchAccounts(ids) {
      const out: CrmAccount[] = [];
      for (const chunk of chunks([...new Set(ids)], 100)) {
        const body = { inputs: chunk.map((id) => ({ id })), properties: props, propertiesWithHistory: [] };
        const res = await call(
          `read ${chunk.length} companies`,
          () => apis.companiesBatch.read(body, false),
          background,
        );
        out.push(...(res.results as HubSpotObject[]).map(toAccount));
      }
      return out;
    },
  };
}

interface PageReader<T> {
  list(after: string | undefined): Promise<Paged>;
  search(req: SearchRequest): Promise<Paged>;
  modifiedProperty: string;
  properties: string[];
  map(o: HubSpotObject): T;
}

interface SearchRequest {
  filterGroups: Array<{ filters: Array<{ propertyName: string; operator: string; value: string }> }>;
  sorts: Array<{ propertyName: string; direction: 'ASCENDING' | 'DESCENDING' }>;
  properties: string[];
  limit: number;
  after?: string;
}

/** The SDK types operators as an enum and sorts as strings; HubSpot takes these values and the sort object as sent. */
const sdkSearch = (req: SearchRequest) => req as unknown as Parameters<HubSpotApis['companiesSearch']['doSearch']>[0];

async function* pages<T>(opts: SyncReadOptions, reader: PageReader<T>): AsyncGenerator<SyncPage<T>> {
  let cursor = opts.cursor ?? undefined;
  for (;;) {
    let res: Paged;
    let next: string | null;
    if (opts.since === undefined) {
      res = await reader.list(cursor);
      next = res.paging?.next?.after ?? null;
      // A cursor that does not move would page for ever.
      if (next !== null && next === cursor) next = null;
    } else {
      res = await reader.search(searchRequest(reader, opts.since, cursor));
      const last = res.results.at(-1)?.id;
      next = res.results.length === searchPageSize && last !== undefined ? last : null;
    }
    yield { items: res.results.map(reader.map), next, calls: 1 };
    if (next === null) return;
    cursor = next;
  }
}

function searchRequest<T>(reader: PageReader<T>, since: number, afterId: string | undefined): SearchRequest {
  const filters = [{ propertyName: reader.modifiedProperty, operator: 'GTE', value: String(since) }];
  if (afterId !== undefined) filters.push({ propertyName: 'hs_object_id', operator: 'GT', value: afterId });
  return {
    filterGroups: [{ filters }],
    sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
    properties: reader.properties,
    limit: searchPageSize,
  };
}

function toCrmAccount(o: HubSpotObject, accountFields: readonly string[]): CrmAccount {
  const p = o.properties;
  const websites = [p['domain'], ...(p['hs_additional_domains'] ?? '').split(';')]
    .map((w) => (w ?? '').trim())
    .filter((w) => w !== '');
  return {
    crm: 'hubspot',
    id: o.id,
    name: text(p['name']),
    websites: [...new Set(websites)],
    ownerCrmId: text(p['hubspot_owner_id']),
    parentId: text(p['hs_parent_company_id']),
    recordType: text(p['type']),
    lastActivityAt: epochMs(p['notes_last_updated']),
    createdAt: epochMs(p['createdate']),
    contacts: count(p['num_associated_contacts']),
    opportunities: count(p['num_associated_deals']),
    children: count(p['hs_num_child_companies']),
    fields: Object.fromEntries(accountFields.flatMap((f) => (text(p[f]) === null ? [] : [[f, p[f]]]))),
    modstamp: epochMs(p['hs_lastmodifieddate']),
  };
}

function toContact(o: HubSpotObject): CrmAccountContact {
  const p = o.properties;
  return {
    contactId: o.id,
    accountId: text(p['associatedcompanyid']) ?? '',
    email: text(p['email']),
    ownerCrmId: text(p['hubspot_owner_id']),
    modstamp: epochMs(p['lastmodifieddate']),
  };
}

const text = (v: string | null | undefined): string | null => (v === undefined || v === null || v === '' ? null : v);

/** HubSpot dates come as ISO 8601 or epoch-ms strings. */
function epochMs(v: string | null | undefined): number | null {
  if (!v) return null;
  const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  return Number.isFinite(n) ? n : null;
}

function count(v: string | null | undefined): number {
  const n = Number(v ?? 0);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}
