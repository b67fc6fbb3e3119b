// A local CometD/Bayeux server (faye's NodeAdapter) standing in for Salesforce streaming, so
// tests drive jsforce's real streaming client over HTTP long-polling. It behaves like Salesforce
// where the connector depends on it:
// - mounted at /cometd/<apiVersion>; handshake needs `Authorization: OAuth <token>`;
// - the handshake reply says ext.replay = true (Salesforce does; jsforce's Replay ext keys on it);
// - every published change event gets a replay id and is retained; a /meta/subscribe carrying
//   ext.replay { <channel>: id } gets the retained events after `id` (-2: all; -1: none), and an
//   id older than the retention floor fails with Salesforce's "replayId ... invalid" error;
// - publishChangeEvent refuses (throws) an event Salesforce would never send (checkChangeEvent):
//   a test cannot feed the connector a shape the real org does not produce.
import { createRequire } from 'node:module';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

type Message = {
  channel: string;
  clientId?: string;
  subscription?: string;
  successful?: boolean;
  error?: string;
  ext?: Record<string, unknown>;
  data?: unknown;
};
type Next = (m: Message) => void;
interface Extension {
  incoming?(m: Message, req: IncomingMessage | null, cb: Next): void;
  outgoing?(m: Message, req: IncomingMessage | null, cb: Next): void;
}
interface MemoryEngine {
  _messages: Map<string, Message[]>;
  emptyQueue(clientId: string): void;
}
interface EngineProxy {
  publish(message: Message): void;
  _engine: MemoryEngine;
}
interface NodeAdapter {
  attach(server: Server): void;
  addExtension(ext: Extension): void;
  close(): void;
  _server: { _engine: EngineProxy };
}
// faye ships no TypeScript types; load it through require and type the few members used above.
const faye = createRequire(import.meta.url)('faye') as {
  NodeAdapter: new (o: { mount: string; timeout: number }) => NodeAdapter;
};

export interface BayeuxStandinOptions {
  port?: number;
  apiVersion?: string;
  accessToken?: string;
  /** First replay id handed out; ids then grow by 3 (Salesforce ids are not contiguous). */
  firstReplayId?: number;
}

export interface SubscribeRequest {
  channel: string;
  replayId: number | undefined;
}

export interface BayeuxStandin {
  /** Instance URL to give jsforce (streaming endpoint = url + /cometd/<version>). */
  url: string;
  subscribeRequests: SubscribeRequest[];
  handshakes: number;
  /** Publishes a change event payload ({ ChangeEventHeader, ...fields }); returns its replay id. */
  publishChangeEvent(channel: string, payload: Record<string, unknown>): number;
  /** Events with replay ids below this are "purged": subscribing from them fails like Salesforce. */
  expireBefore(replayId: number): void;
  close(): Promise<void>;
}

export async function startBayeuxStandin(opts: BayeuxStandinOptions = {}): Promise<BayeuxStandin> {
  const version = opts.apiVersion ?? '62.0';
  const token = opts.accessToken ?? 'standin-access-token';
  const log: Array<{ channel: string; replayId: number; data: unknown }> = [];
  const subscribeRequests: SubscribeRequest[] = [];
  const pending = new Map<string, number | undefined>();
  let nextReplayId = opts.firstReplayId ?? 1000;
  let floor = 0;
  let handshakes = 0;

  const adapter = new faye.NodeAdapter({ mount: `/cometd/${version}`, timeout: 2 });
  const engine = adapter._server._engine;
  const memory = engine._engine;

  const replayTo = (clientId: string, channel: string, from: number | undefined) => {
    if (from === undefined || from === -1) return;
    const due = log.filter((e) => e.channel === channel && (from === -2 || e.replayId > from));
    if (due.length === 0) return;
    // Queue in the engine for this client only; faye flushes it on the client's long-poll.
    const queue = memory._messages.get(clientId) ?? [];
    queue.push(...due.map((e) => ({ channel, data: structuredClone(e.data) })));
    memory._messages.set(clientId, queue);
    memory.emptyQueue(clientId);
  };

  adapter.addExtension({
    incoming(m, req, cb) {
      // req is null for the stand-in's own in-process publisher, which needs no auth.
      if (m.channel === '/meta/handshake' && req) {
        handshakes++;
        if (req.headers.authorization !== `OAuth ${token}`) m.error = '401::Authentication invalid';
      }
      if (m.channel === '/meta/subscribe' && m.subscription) {
        const replay = (m.ext?.['replay'] as Record<string, number> | undefined)?.[m.subscription];
        subscribeRequests.push({ channel: m.subscription, replayId: replay });
        if (typeof replay === 'number' && replay >= 0 && replay < floor) {
          m.error = `400::The replayId {${replay}} you provided was invalid.  Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.`;
        } else {
          pending.set(`${m.clientId}|${m.subscription}`, replay);
        }
      }
      cb(m);
    },
    outgoing(m, _req, cb) {
      if (m.channel === '/meta/handshake') m.ext = { ...m.ext, replay: true };
      if (m.channel === '/meta/subscribe' && m.successful && m.clientId && m.subscription) {
        const key = `${m.clientId}|${m.subscription}`;
        const from = pending.get(key);
        pending.delete(key);
        const { clientId, subscription } = m;
        // After the reply: faye's client drops messages for a channel it has not confirmed yet.
        setTimeout(() => replayTo(clientId, subscription, from), 50);
      }
      cb(m);
    },
  });

  const server = createServer();
  adapter.attach(server);
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    subscribeRequests,
    get handshakes() {
      return handshakes;
    },
    publishChangeEvent(channel, payload) {
      checkChangeEvent(channel, payload);
      const replayId = nextReplayId;
      nextReplayId += 3;
      const data = { schema: 'standin-schema', payload, event: { replayId } };
      log.push({ channel, replayId, data });
      // Straight into the engine, synchronously: faye's in-process client publishes asynchronously
      // and can reorder back-to-back messages, while Salesforce delivers in commit order.
      engine.publish({ channel, data });
      return replayId;
    },
    expireBefore(replayId) {
      floor = replayId;
    },
    close: () =>
      new Promise<void>((resolve) => {
        adapter.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const changeTypes = new Set([
  'CREATE',
  'UPDATE',
  'DELETE',
  'UNDELETE',
  'GAP_CREATE',
  'GAP_UPDATE',
  'GAP_DELETE',
  'GAP_UNDELETE',
  'GAP_OVERFLOW',
]);

/**
 * What a CometD change event from Salesforce always is (CDC guide, "ChangeEventHeader Fields" and
 * "Change Event Body Fields"; docs/shared salesforce-cdc.md): the channel's entity; every header
 * field, typed; record ids (none only for an overflow); changedFields only on an UPDATE, always with
 * LastModifiedDate, naming every body field and every nulled one (nulledFields: in changedFields
 * too, null in the body); no body at all for a DELETE or a gap event. Throws on anything else.
 */
export function checkChangeEvent(channel: string, payload: Record<string, unknown>): void {
  const fail = (why: string) => {
    throw new Error(`the Bayeux stand-in refuses a change event Salesforce would not send on ${channel}: ${why}`);
  };
  const h = payload['ChangeEventHeader'] as Record<string, unknown> | undefined;
  if (!h || typeof h !== 'object') return fail('no ChangeEventHeader');
  const entity = /^\/data\/(\w+?)ChangeEvent$/.exec(channel)?.[1];
  if (entity && h['entityName'] !== entity) fail(`entityName ${String(h['entityName'])} on the ${entity} channel`);
  const strings = (k: string) => Array.isArray(h[k]) && (h[k] as unknown[]).every((v) => typeof v === 'string');
  for (const k of ['entityName', 'changeType', 'changeOrigin', 'transactionKey', 'commitUser'])
    if (typeof h[k] !== 'string') fail(`header ${k} must be a string`);
  for (const k of ['sequenceNumber', 'commitTimestamp', 'commitNumber'])
    if (typeof h[k] !== 'number') fail(`header ${k} must be a number`);
  for (const k of ['recordIds', 'changedFields', 'nulledFields', 'diffFields'])
    if (!strings(k)) fail(`header ${k} must be a list of strings`);
  const type = h['changeType'] as string;
  if (!changeTypes.has(type)) fail(`unknown changeType ${type}`);
  if ((h['recordIds'] as string[]).length === 0 && type !== 'GAP_OVERFLOW') fail(`${type} names no record`);
  const changed = h['changedFields'] as string[];
  const nulled = h['nulledFields'] as string[];
  const body = Object.keys(payload).filter((k) => k !== 'ChangeEventHeader');
  if (type === 'UPDATE') {
    if (!changed.includes('LastModifiedDate')) fail('an UPDATE always lists LastModifiedDate in changedFields');
    // Compound fields arrive nested (Name { FirstName }) and are listed by component (Name.FirstName).
    const listed = (k: string) => changed.includes(k) || changed.some((c) => c.startsWith(`${k}.`));
    for (const k of body) if (!listed(k)) fail(`UPDATE body field ${k} is not in changedFields`);
    for (const k of nulled) {
      if (!changed.includes(k)) fail(`nulled field ${k} is not in changedFields`);
      if (k in payload && payload[k] !== null) fail(`nulled field ${k} has a value`);
    }
    for (const k of body) if (payload[k] === null && !nulled.includes(k)) fail(`null ${k} is not in nulledFields`);
  } else {
    if (changed.length > 0 || nulled.length > 0) fail(`changedFields / nulledFields on a ${type}`);
    if ((type === 'DELETE' || type.startsWith('GAP_')) && body.length > 0) fail(`body fields on a ${type}`);
  }
}
