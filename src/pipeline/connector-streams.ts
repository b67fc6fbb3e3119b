// Long-running inbound streams of connectors (Salesforce change events, SOQL polling), run by
// worker processes (runtime.startWorking). Contract:
// - events take the same durable intake as webhooks (ingestCrmEvents: stored, unique per source
//   event id, then enqueued) BEFORE the stream's position moves on: the connector stores a CDC
//   replay id or a poll watermark only after onEvents resolved;
// - positions live in Postgres (connector_state), so a restarted worker resumes where the last
//   one stopped; a redelivered tail repeats source event ids and is a no-op downstream;
// - a stream failure never takes the worker down: it is logged and the stream started again
//   after `restartDelayMs` (the CDC subscriber resumes from the stored replay id).
// StreamingConnector is declared in src/connector.ts beside CrmConnector: pipeline/ depends on no
// connector, runtime passes it in.
import type { AccountChange, ContactChange, InboundEvent, StreamingConnector } from '../connector.js';
import { getConnectorState, getSyncCursor, setConnectorState } from '../db/index.js';
import { catchUpAccountChanges, recordChanges } from './account-changes.js';
import { startAccountSync } from './account-sync-runs.js';
import type { PipelineDeps } from './deps.js';
import { ingestCrmEvents } from './ingest.js';

export interface ConnectorStreamsOptions {
  connectors?: StreamingConnector[];
  /** Wait before a failed stream is started again. */
  restartDelayMs?: number;
  /** Longest startConnectorStreams waits for the first subscription; it keeps trying afterwards. */
  startWaitMs?: number;
}

/** connector_state keys: one row per CDC channel and per polled object type. */
export const replayKey = (crm: string, channel: string) => `${crm}:cdc-replay:${channel}`;
export const watermarkKey = (crm: string, objectType: string) => `${crm}:poll-watermark:${objectType}`;

/** Starts every configured stream; resolves with a stop function. Never rejects. */
export async function startConnectorStreams(
  deps: PipelineDeps,
  opts: ConnectorStreamsOptions = {},
): Promise<() => Promise<void>> {
  const stops = await Promise.all((opts.connectors ?? []).map((c) => startOne(deps, c, opts)));
  return async () => {
    await Promise.all(stops.map((stop) => stop()));
  };
}

async function startOne(
  deps: PipelineDeps,
  connector: StreamingConnector,
  opts: ConnectorStreamsOptions,
): Promise<() => Promise<void>> {
  const crm = connector.name;
  const restartDelayMs = opts.restartDelayMs ?? 5_000;
  const log = deps.logger.child({ crm });
  const onEvents = async (events: InboundEvent[]) => {
    await ingestCrmEvents(deps, crm, events);
  };
  // Account and contact change events (Salesforce AccountChangeEvent, ContactChangeEvent): stored
  // like a webhook's before the replay id moves on, then applied at once in this process (re-read by
  // id); an overflow that could not name every record starts an incremental sync by SystemModstamp
  // (accounts, then contacts; after an initial load only).
  const onMirrorChanges = async (accounts: AccountChange[], contacts: ContactChange[], resync: boolean) => {
    await recordChanges(deps, crm, accounts, contacts);
    if (resync && (await getSyncCursor(deps.db, crm, 'accounts'))?.watermark) {
      log.warn(
        { accounts: accounts.length, contacts: contacts.length },
        'change overflow: running an incremental account sync',
      );
      startAccountSync(deps, crm, false);
    }
    void catchUpAccountChanges(deps);
  };
  const mirror = {
    onAccountChanges: (changes: AccountChange[], meta: { resync: boolean }) =>
      onMirrorChanges(changes, [], meta.resync),
    onContactChanges: (changes: ContactChange[], meta: { resync: boolean }) =>
      onMirrorChanges([], changes, meta.resync),
  };
  let stopped = false;
  const stops: Array<() => Promise<void> | void> = [];
  let firstStart: Promise<void> = Promise.resolve();

  if (connector.streams.cdc) {
    let restartTimer: NodeJS.Timeout | undefined;
    const subscriber = connector.createChangeSubscriber({
      replayStore: {
        get: (channel) => getConnectorState<number>(deps.db, replayKey(crm, channel)),
        set: (channel, replayId) => setConnectorState(deps.db, replayKey(crm, channel), replayId, deps.now()),
      },
      onEvents,
      ...(deps.connectors[crm]?.accounts ? mirror : {}),
      // The channel stopped at the failed message (its replay id is not stored): start it again.
      onError: () => scheduleRestart(),
      initialReplayId: connector.streams.cdcInitialReplayId ?? -1,
    });
    const start = async () => {
      if (stopped) return;
      try {
        await subscriber.start();
      } catch (err) {
        log.error(
          { err: (err as Error).message, retryInMs: restartDelayMs },
          'change event subscription failed; retrying',
        );
        scheduleRestart();
      }
    };
    const scheduleRestart = () => {
      if (stopped || restartTimer) return;
      restartTimer = setTimeout(() => {
        restartTimer = undefined;
        void start();
      }, restartDelayMs);
    };
    firstStart = start();
    stops.push(async () => {
      clearTimeout(restartTimer);
      await subscriber.stop();
    });
  }

  if (connector.streams.poll) {
    const { intervalMs, initialLookbackMs } = connector.streams.poll;
    const poller = connector.createPoller({
      watermarkStore: {
        get: (objectType) => getConnectorState<string>(deps.db, watermarkKey(crm, objectType)),
        set: (objectType, watermark) =>
          setConnectorState(deps.db, watermarkKey(crm, objectType), watermark, deps.now()),
      },
      onEvents,
      intervalMs,
      ...(initialLookbackMs !== undefined ? { initialLookbackMs } : {}),
      // The poller logs and keeps its schedule; the watermark was not moved, so the next poll re-reads.
    });
    poller.start();
    stops.push(() => poller.stop());
    log.info({ intervalMs }, 'polling for changes');
  }

  // A CometD server that never answers must not hold up the worker: it keeps trying in the background.
  let waitTimer: NodeJS.Timeout | undefined;
  await Promise.race([
    firstStart,
    new Promise<void>((resolve) => (waitTimer = setTimeout(resolve, opts.startWaitMs ?? 10_000))),
  ]);
  clearTimeout(waitTimer);
  return async () => {
    stopped = true;
    for (const stop of stops) await stop();
  };
}
