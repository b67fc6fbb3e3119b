// Change Data Capture over CometD (jsforce streaming + faye), one client per channel.
// Contract:
// - each channel resumes from the replay id in the injected ReplayStore (or `initialReplayId`:
//   -1 = only new events, -2 = everything Salesforce retained, 72 h for CDC);
// - a replay id is stored only after onEvents resolved for that message, and messages of a
//   channel are handled one at a time in order, so a crash redelivers at most the unstored tail
//   (harmless: sourceEventIds make redelivery a no-op downstream);
// - if onEvents fails, that channel stops (nothing later may be stored past the failure) and
//   onError is told; start() again resumes from the stored id;
// - jsforce's Replay extension handles one channel per client (it overwrites ext.replay), hence
//   one faye client per channel.
// - with accountChangeEvents / contactChangeEvents, /data/AccountChangeEvent and
//   /data/ContactChangeEvent feed the account mirror: the records they name are handed to
//   onAccountChanges / onContactChanges, and the replay id is stored only after that resolved.
import { StreamingExtension } from 'jsforce/lib/api/streaming.js';
import type { AccountChange, ContactChange, InboundEvent } from '../../src/connector.js';
import { AppError } from '../../src/errors.js';
import type { Logger } from './api-context.js';
import type { Session } from './auth.js';
import { scrubSecrets, type Secret } from './secret.js';
import { parseAccountChangeEvent, parseContactChangeEvent } from './parse-account-change.js';
import { parseChangeEvent } from './parse-change-event.js';

export interface ReplayStore {
  get(channel: string): Promise<number | undefined>;
  set(channel: string, replayId: number): Promise<void>;
}

export interface CdcSubscriberOptions {
  /** Defaults to /data/<Object>ChangeEvent for each configured object type. */
  channels?: string[];
  replayStore: ReplayStore;
  onEvents: (events: InboundEvent[], meta: { channel: string; replayId: number }) => Promise<void>;
  /** With accountChangeEvents: the accounts an AccountChangeEvent named, stored before its replay id is. */
  onAccountChanges?: (changes: AccountChange[], meta: { resync: boolean }) => Promise<void>;
  /** With contactChangeEvents: the contacts a ContactChangeEvent named, stored before its replay id is. */
  onContactChanges?: (changes: ContactChange[], meta: { resync: boolean }) => Promise<void>;
  onError?: (err: Error, channel: string) => void;
  /** Where to start when the store has no id for a channel. Default -1 (new events only). */
  initialReplayId?: -1 | -2;
}

export interface CdcSubscriber {
  /** Resolves once every channel's /meta/subscribe succeeded. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The part of a faye client we use (faye ships no types). */
interface FayeClient {
  subscribe(channel: string, cb: (data: unknown) => void): PromiseLike<unknown> & { cancel(): void };
  disconnect(): void;
}

export const changeEventChannel = (objectType: string) => `/data/${objectType}ChangeEvent`;

const INVALID_REPLAY = /replayId.*invalid/i;

export function createCdcSubscriber(
  ctx: {
    session: Session;
    objectTypes: readonly string[];
    /** Subscribe to AccountChangeEvent too (when opts.onAccountChanges is given). */
    accountChangeEvents?: boolean;
    /** Subscribe to ContactChangeEvent too (when opts.onContactChanges is given). */
    contactChangeEvents?: boolean;
    logger?: Logger | undefined;
    secrets?: () => readonly Secret[];
  },
  opts: CdcSubscriberOptions,
): CdcSubscriber {
  const accountChannel = ctx.accountChangeEvents && opts.onAccountChanges ? changeEventChannel('Account') : undefined;
  const contactChannel = ctx.contactChangeEvents && opts.onContactChanges ? changeEventChannel('Contact') : undefined;
  const routed = opts.channels ?? ctx.objectTypes.map(changeEventChannel);
  const mirrored = [accountChannel, contactChannel].flatMap((c) => (c ? [c] : []));
  const channels = [...new Set([...routed, ...mirrored])];
  const clients = new Map<string, FayeClient>();

  const stopChannel = (channel: string) => {
    clients.get(channel)?.disconnect();
    clients.delete(channel);
  };
  // Faye and jsforce errors may quote the session id: scrub before anything is logged or stored.
  const scrub = (text: string) => scrubSecrets(text, ctx.secrets?.() ?? []);
  const report = (err: Error, channel: string) => {
    ctx.logger?.error({ channel, code: err instanceof AppError ? err.code : undefined }, scrub(err.message));
    opts.onError?.(err, channel);
  };

  const subscribe = async (channel: string, from: number): Promise<void> => {
    const conn = await ctx.session.ensure();
    const replay = new StreamingExtension.Replay(channel, from);
    const authFailure = new StreamingExtension.AuthFailure(() => {
      stopChannel(channel);
      report(new AppError('CRM_AUTH', `streaming session for ${channel} was refused; restart the subscriber`), channel);
    });
    const client = conn.streaming.createClient([authFailure, replay]) as unknown as FayeClient;
    clients.set(channel, client);
    let chain = Promise.resolve();
    let failed = false;
    const handle = async (data: unknown) => {
      if (failed) return;
      let parsed;
      let accounts;
      let contacts;
      try {
        // The Account and Contact channels feed the mirror; they route too only if the object is routed.
        if (channel === accountChannel) accounts = parseAccountChangeEvent(data);
        if (channel === contactChannel) contacts = parseContactChangeEvent(data);
        parsed = routed.includes(channel) ? parseChangeEvent(data) : undefined;
      } catch (err) {
        // A malformed message stays malformed: log it and move past it.
        report(err as Error, channel);
        return;
      }
      const replayId = (parsed ?? accounts ?? contacts)!.replayId;
      try {
        if (accounts && (accounts.changes.length > 0 || accounts.resync))
          await opts.onAccountChanges!(accounts.changes, { resync: accounts.resync });
        else if (accounts) ctx.logger?.debug({ channel, replayId }, accounts.skipped ?? 'no account changes');
        if (contacts && (contacts.changes.length > 0 || contacts.resync))
          await opts.onContactChanges!(contacts.changes, { resync: contacts.resync });
        else if (contacts) ctx.logger?.debug({ channel, replayId }, contacts.skipped ?? 'no contact changes');
        if (parsed && parsed.events.length > 0) await opts.onEvents(parsed.events, { channel, replayId });
        else if (parsed) ctx.logger?.debug({ channel, replayId }, parsed.skipped ?? 'no events');
        await opts.replayStore.set(channel, replayId);
      } catch (err) {
        failed = true;
        stopChannel(channel);
        report(err instanceof Error ? err : new Error(String(err)), channel);
      }
    };
    try {
      await client.subscribe(channel, (data) => {
        chain = chain.then(() => handle(data));
      });
      ctx.logger?.info({ channel, replayFrom: from }, 'subscribed to change events');
    } catch (err) {
      stopChannel(channel);
      const message = (err as { message?: string })?.message ?? String(err);
      // The stored id is past Salesforce's retention: take everything retained instead (duplicates
      // are no-ops downstream); events older than retention need the poller to catch up.
      if (from >= 0 && INVALID_REPLAY.test(message)) {
        ctx.logger?.warn({ channel, replayFrom: from }, 'stored replay id expired; replaying all retained events');
        return subscribe(channel, -2);
      }
      throw new AppError('CRM_TEMPORARY', scrub(`subscribe to ${channel} failed: ${message}`));
    }
  };

  return {
    async start() {
      for (const channel of channels) {
        if (clients.has(channel)) continue;
        const stored = await opts.replayStore.get(channel);
        await subscribe(channel, stored ?? opts.initialReplayId ?? -1);
      }
    },
    async stop() {
      for (const channel of [...clients.keys()]) stopChannel(channel);
    },
  };
}
