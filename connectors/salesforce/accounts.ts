// The account mirror's reads from Salesforce (docs/accounts.md): Accounts and their contacts' emails.
// - One SOQL query ordered by Id, followed with queryMore (the locator Salesforce returns in
//   nextRecordsUrl, up to 2,000 rows a batch). Each page's last Id is the resume cursor: after an
//   interruption the next run asks for Id > cursor, so a locator that expired (15 minutes) costs
//   nothing. Changes since a watermark add SystemModstamp >= watermark to the same query; ordered
//   by Id, records sharing one stamp can never make it loop.
// - Opportunity counts: one aggregate query per 200 accounts of a page (GROUP BY AccountId; an
//   aggregate has no queryMore, and 200 ids keep the GET URL short). Child-account counts are
//   not asked for: the mirror counts its own rows by ParentId.
// - Deleted accounts: queryAll with IsDeleted = true (the recycle bin, 15 days) since a watermark.
// - Contacts: every one, with Email and OwnerId (the people mirror) and AccountId (null = none, ''
//   to the mirror). Those a ContactChangeEvent named: re-read by Id (200 a query); a deleted one
//   is absent, and the mirror drops it.
// - Leads (the people mirror): the same paging by Id, since a SystemModstamp watermark; converted
//   ones come with email null (the mirror drops them), deleted ones from the recycle bin. No
//   LeadChangeEvent: leads follow by the periodic incremental sync (polling).
// - Account team members (AccountTeamMember: AccountId, UserId, TeamMemberRole): one query ordered
//   by Id with queryMore, like contacts; changes since a watermark by SystemModstamp (the object
//   has no change events in most orgs). Deletions are hard deletes, not in the recycle bin: the
//   full sync's reconcile removes members it no longer sees. An org with Account Teams off answers
//   INVALID_TYPE ("sObject type 'AccountTeamMember' is not supported"): one page saying so.
// - Every call is background work: it waits behind owner writes for the API budget (limits.ts).
import type { Connection } from 'jsforce';
import type {
  AccountSource,
  CrmAccount,
  CrmAccountContact,
  CrmAccountTeamMember,
  CrmPerson,
  SyncReadOptions,
} from '../../src/connector.js';
import { callApi, type ApiContext } from './api-context.js';
import { checkName, soqlDateTime, soqlString, type SoqlRecord } from './soql.js';

const background = { background: true };
const contactSelect = 'SELECT Id, AccountId, Email, OwnerId, SystemModstamp FROM Contact';
const leadSelect = 'SELECT Id, Email, OwnerId, IsConverted, SystemModstamp FROM Lead';
const teamSelect = 'SELECT Id, AccountId, UserId, TeamMemberRole, SystemModstamp FROM AccountTeamMember';
const countChunk = 200;

interface QueryPage {
  records: SoqlRecord[];
  done: boolean;
  nextRecordsUrl?: string;
  /** Set by pages() when the org refused the object itself (INVALID_TYPE): why, in the CRM's words. */
  unavailable?: string;
}

export function accountSelect(ctx: ApiContext): string[] {
  const extra = ctx.config.accountFields.map((f, i) => checkName(f, `accountFields[${i}]`));
  return [
    ...new Set([
      'Id',
      'Name',
      'Website',
      'OwnerId',
      'ParentId',
      ...(ctx.config.accountRecordTypes ? ['RecordType.DeveloperName'] : []),
      'LastActivityDate',
      'CreatedDate',
      'SystemModstamp',
      ...extra,
    ]),
  ];
}

export function createSalesforceAccountSource(ctx: ApiContext): AccountSource {
  const select = accountSelect(ctx);
  const toAccount = (r: SoqlRecord) => toCrmAccount(r, ctx.config.accountFields);
  return {
    async *listAccounts(opts) {
      for await (const page of pages(ctx, `SELECT ${select.join(', ')} FROM Account`, [], opts)) {
        const accounts = page.records.map(toAccount);
        let calls = page.calls;
        if (ctx.config.accountOpportunityCounts && accounts.length > 0)
          calls += await addOpportunityCounts(ctx, accounts);
        yield { items: accounts, next: page.next, calls };
      }
    },
    async *listAccountContacts(opts) {
      for await (const page of pages(ctx, contactSelect, [], opts)) {
        yield { items: page.records.map(toContact), next: page.next, calls: page.calls };
      }
    },
    async *listAccountTeamMembers(opts) {
      for await (const page of pages(ctx, teamSelect, [], opts, 'INVALID_TYPE')) {
        if (page.unavailable !== undefined) {
          yield { items: [], next: null, calls: page.calls, unavailable: page.unavailable };
          return;
        }
        yield { items: page.records.map(toTeamMember), next: page.next, calls: page.calls };
      }
    },
    async *listLeads(opts) {
      for await (const page of pages(ctx, leadSelect, [], opts)) {
        yield { items: page.records.map(toLead), next: page.next, calls: page.calls };
      }
    },
    async listDeletedLeads(since) {
      const soql = `SELECT Id FROM Lead WHERE IsDeleted = true AND SystemModstamp >= ${soqlDateTime(new Date(since))}`;
      const rows = await callApi(ctx, 'queryAll Lead', (conn) => queryEvery(conn, soql, true), background);
      return rows.map((r) => r.Id);
    },
    async fetchAccounts(ids) {
      const out: CrmAccount[] = [];
      const unique = [...new Set(ids)];
      for (let i = 0; i < unique.length; i += countChunk) {
        const chunk = unique.slice(i, i + countChunk);
        const soql = `SELECT ${select.join(', ')} FROM Account WHERE Id IN (${chunk.map(soqlString).join(', ')})`;
        const rows = await callApi(ctx, 'query Account', (conn) => queryEvery(conn, soql), background);
        const accounts = rows.map(toAccount);
        if (ctx.config.accountOpportunityCounts && accounts.length > 0) await addOpportunityCounts(ctx, accounts);
        out.push(...accounts);
      }
      return out;
    },
    async fetchAccountContacts(ids) {
      const out: CrmAccountContact[] = [];
      const unique = [...new Set(ids)];
      for (let i = 0; i < unique.length; i += countChunk) {
        const chunk = unique.slice(i, i + countChunk).map(soqlString);
        const soql = `${contactSelect} WHERE Id IN (${chunk.join(', ')})`;
        const rows = await callApi(ctx, 'query Contact', (conn) => queryEvery(conn, soql), background);
        out.push(...rows.map(toContact));
      }
      return out;
    },
    async listDeletedAccounts(since) {
      const soql = `SELECT Id FROM Account WHERE IsDeleted = true AND SystemModstamp >= ${soqlDateTime(new Date(since))}`;
      const rows = await callApi(ctx, 'queryAll Account', (conn) => queryEvery(conn, soql, true), background);
      return rows.map((r) => r.Id);
    },
  };
}

/**
 * One query ordered by Id from the cursor on, page by page through queryMore. `refusedType`: the
 * errorCode with which an org refuses the object itself (a feature turned off), answered as one
 * last page with `unavailable` instead of a failure.
 */
async function* pages(
  ctx: ApiContext,
  selectFrom: string,
  conditions: string[],
  opts: SyncReadOptions,
  refusedType?: string,
): AsyncGenerator<{ records: SoqlRecord[]; next: string | null; calls: number; unavailable?: string }> {
  const where = [...conditions];
  if (opts.cursor) where.push(`Id > ${soqlString(opts.cursor)}`);
  if (opts.since !== undefined) where.push(`SystemModstamp >= ${soqlDateTime(new Date(opts.since))}`);
  const soql = `${selectFrom}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY Id`;
  let page: QueryPage = await callApi(
    ctx,
    'query',
    async (conn) => {
      try {
        return (await conn.query(soql)) as unknown as QueryPage;
      } catch (err) {
        const e = err as { errorCode?: unknown; message?: unknown };
        if (refusedType === undefined || e.errorCode !== refusedType) throw err;
        return { records: [], done: true, unavailable: `${refusedType}: ${refusalLine(String(e.message))}` };
      }
    },
    background,
  );
  if (page.unavailable !== undefined) {
    yield { records: [], next: null, calls: 1, unavailable: page.unavailable };
    return;
  }
  for (;;) {
    const more = !page.done && page.nextRecordsUrl !== undefined;
    const last = page.records.at(-1)?.Id;
    yield { records: page.records, next: more && last ? last : null, calls: 1 };
    if (!more) return;
    const locator = page.nextRecordsUrl!;
    page = await callApi(
      ctx,
      'queryMore',
      async (conn) => (await conn.queryMore(locator)) as unknown as QueryPage,
      background,
    );
  }
}

async function queryEvery(conn: Connection, soql: string, scanAll = false): Promise<SoqlRecord[]> {
  let page = (await conn.query(soql, { scanAll })) as unknown as QueryPage;
  const out = [...page.records];
  while (!page.done && page.nextRecordsUrl) {
    page = (await conn.queryMore(page.nextRecordsUrl)) as unknown as QueryPage;
    out.push(...page.records);
  }
  return out;
}

/** Sets `opportunities` on each account from aggregate queries; returns the calls made. */
async function addOpportunityCounts(ctx: ApiContext, accounts: CrmAccount[]): Promise<number> {
  const counts = new Map<string, number>();
  let calls = 0;
  for (let i = 0; i < accounts.length; i += countChunk) {
    const ids = accounts.slice(i, i + countChunk).map((a) => soqlString(a.id));
    const soql = `SELECT AccountId, COUNT(Id) n FROM Opportunity WHERE AccountId IN (${ids.join(', ')}) GROUP BY AccountId`;
    const rows = await callApi(ctx, 'count Opportunity', (conn) => queryEvery(conn, soql), background);
    calls++;
    for (const r of rows as unknown as Array<Record<string, unknown>>)
      counts.set(String(r['AccountId']), Number(r['n']));
  }
  for (const a of accounts) a.opportunities = counts.get(a.id) ?? 0;
  return calls;
}

function toCrmAccount(r: SoqlRecord, accountFields: readonly string[]): CrmAccount {
  const website = str(r['Website']);
  const recordType = r['RecordType'] as { DeveloperName?: unknown } | null | undefined;
  return {
    crm: 'salesforce',
    id: r.Id,
    name: str(r['Name']),
    websites: website ? [website] : [],
    ownerCrmId: str(r['OwnerId']),
    parentId: str(r['ParentId']),
    recordType: str(recordType?.DeveloperName),
    lastActivityAt: epochMs(r['LastActivityDate']),
    createdAt: epochMs(r['CreatedDate']),
    // Salesforce keeps no contact or child count on Account: the mirror counts its own rows.
    contacts: 0,
    opportunities: 0,
    children: 0,
    fields: Object.fromEntries(accountFields.flatMap((f) => (r[f] === undefined || r[f] === null ? [] : [[f, r[f]]]))),
    modstamp: epochMs(r['SystemModstamp']),
  };
}

/** A SOQL error's message is the query, a caret and then the reason: keep the reason's line. */
function refusalLine(message: string): string {
  const lines = message.split('\n').map((l) => l.trim());
  return (
    lines.find((l) => /not supported|does not exist|not allowed/i.test(l)) ?? lines.filter(Boolean).at(-1) ?? message
  );
}

function toTeamMember(r: SoqlRecord): CrmAccountTeamMember {
  return {
    memberId: r.Id,
    accountId: String(r['AccountId']),
    userCrmId: String(r['UserId']),
    role: str(r['TeamMemberRole']) ?? '',
    modstamp: epochMs(r['SystemModstamp']),
  };
}

function toContact(r: SoqlRecord): CrmAccountContact {
  return {
    contactId: r.Id,
    accountId: str(r['AccountId']) ?? '',
    email: str(r['Email']),
    ownerCrmId: str(r['OwnerId']),
    modstamp: epochMs(r['SystemModstamp']),
  };
}

function toLead(r: SoqlRecord): CrmPerson {
  const converted = r['IsConverted'] === true || r['IsConverted'] === 'true';
  return {
    id: r.Id,
    email: converted ? null : str(r['Email']),
    ownerCrmId: str(r['OwnerId']),
    modstamp: epochMs(r['SystemModstamp']),
  };
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

function epochMs(v: unknown): number | null {
  if (typeof v !== 'string' || v === '') return null;
  // Salesforce datetimes look like 2025-07-15T21:12:05.000+0000, which Date.parse does not read.
  const n = Date.parse(v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isFinite(n) ? n : null;
}
