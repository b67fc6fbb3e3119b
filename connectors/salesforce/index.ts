// Public surface of the Salesforce connector. Nothing is built at import: the composition root
// calls createSalesforceConnector(config, deps) and the jsforce Connection is made then, with its
// session obtained on first use.
import type {
  CrmConnector,
  InboundEvent,
  InboundRequest,
  ParsedBatch,
  StreamingConnector,
} from '../../src/connector.js';
import { errors } from '../../src/errors.js';
import { createSalesforceAccountSource } from './accounts.js';
import { createSession } from './auth.js';
import type { ApiContext, Logger } from './api-context.js';
import { createCdcSubscriber, type CdcSubscriber, type CdcSubscriberOptions } from './cdc-subscriber.js';
import { configSecrets, parseSalesforceConfig, type SalesforceConfig, type SalesforceConfigInput } from './config.js';
import { describeFields } from './describe-fields.js';
import { fetchRecords } from './fetch-records.js';
import { createRequestBudget, type ApiUsage } from './limits.js';
import { listOwners } from './list-owners.js';
import { checkSalesforceFieldPath } from './field-path.js';
import { isSalesforceOwnWrite, type SalesforceIdentity } from './own-write.js';
import { outboundToEvents, parseOutboundXml } from './parse-outbound.js';
import { createPoller, type Poller, type PollerOptions } from './poller.js';
import { soapAck, soapFault } from './soap-ack.js';
import { verifyOutboundRequest } from './verify-request.js';
import { writeOwners } from './write-owners.js';

export {
  salesforceConfigSchema,
  parseSalesforceConfig,
  type SalesforceConfig,
  type SalesforceConfigInput,
} from './config.js';
export { Secret } from './secret.js';
export { changeOriginClient, isSalesforceOwnWrite, type SalesforceIdentity } from './own-write.js';
export { checkSalesforceFieldPath } from './field-path.js';
export { soapAck, soapFault, ACK_TRUE, SOAP_CONTENT_TYPE } from './soap-ack.js';
export { parseChangeEvent, type ChangeEventMessage, type ChangeEventHeader } from './parse-change-event.js';
export {
  parseAccountChangeEvent,
  parseContactChangeEvent,
  type ParsedAccountChange,
  type ParsedContactChange,
} from './parse-account-change.js';
export { parseLimitInfo, type ApiUsage } from './limits.js';
export {
  changeEventChannel,
  type ReplayStore,
  type CdcSubscriber,
  type CdcSubscriberOptions,
} from './cdc-subscriber.js';
export type { WatermarkStore, Poller, PollerOptions } from './poller.js';
export type { Logger } from './api-context.js';

export interface SalesforceDeps {
  logger?: Logger;
  /** Sforce-Limit-Info api-usage after each call that changed it (for a metrics gauge). */
  onLimitInfo?: (usage: ApiUsage) => void;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface SalesforceConnector extends CrmConnector, StreamingConnector {
  readonly name: 'salesforce';
  /** Which inbound streams (CDC, polling) worker processes run for this org, from config. */
  readonly streams: SalesforceConfig['streams'];
  /** CDC subscriber on /data/<Object>ChangeEvent, sharing this connector's session. */
  createChangeSubscriber(opts: CdcSubscriberOptions): CdcSubscriber;
  /** SOQL polling fallback on CreatedDate / SystemModstamp. */
  createPoller(opts: PollerOptions): Poller;
}

/** `config` may be raw (it is parsed; CONFIG_INVALID names the path) or already parsed. */
export function createSalesforceConnector(
  config: SalesforceConfigInput | SalesforceConfig,
  deps: SalesforceDeps = {},
): SalesforceConnector {
  const cfg = parseSalesforceConfig(config);
  const now = deps.now ?? (() => new Date());
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const session = createSession(cfg, { now });
  const fixedSecrets = configSecrets(cfg);
  const identity: SalesforceIdentity = { clientIds: [cfg.callOptionsClient], userIds: [] };
  const ctx: ApiContext = {
    config: cfg,
    session,
    budget: createRequestBudget(cfg.requestBudget, {
      nowMs: () => now().getTime(),
      sleep,
      onLimitInfo: deps.onLimitInfo,
    }),
    secrets: () => [...fixedSecrets, ...session.obtainedSecrets()],
    logger: deps.logger,
    now,
    sleep,
    random: deps.random ?? Math.random,
  };
  const parseBatch = (req: InboundRequest): ParsedBatch =>
    outboundToEvents(parseOutboundXml(req.rawBody), {
      ownerChangeOutboundObjects: cfg.ownerChangeOutboundObjects,
      receivedAt: now().toISOString(),
    });
  // Strict: one refused notification fails the message (the connector contract's parseEvents).
  const parse = (req: InboundRequest): InboundEvent[] => {
    const { events, refused } = parseBatch(req);
    if (refused.length > 0) throw errors.validation(refused.flatMap((r) => r.errors));
    return events;
  };

  return {
    name: 'salesforce',
    streams: cfg.streams,
    verifyRequest: (req) =>
      verifyOutboundRequest(req, { token: cfg.outboundToken, organizationId: cfg.organizationId }),
    parseEvents: parse,
    parseBatch,
    ackResponse: () => soapAck(),
    errorResponse: (err) => soapFault(err),
    fetchRecords: (objectType, ids, fields) => fetchRecords(ctx, objectType, ids, fields),
    writeOwners: (writes) => writeOwners(ctx, writes),
    listOwners: (opts) => listOwners(ctx, opts),
    describeFields: (objectType) => describeFields(ctx, objectType),
    callBudget: () => ctx.budget.budget(),
    createChangeSubscriber: (opts) =>
      createCdcSubscriber(
        {
          session,
          objectTypes: cfg.objectTypes,
          accountChangeEvents: cfg.streams.accountChangeEvents,
          contactChangeEvents: cfg.streams.contactChangeEvents,
          logger: deps.logger,
          secrets: ctx.secrets,
        },
        opts,
      ),
    createPoller: (opts) => createPoller({ ...ctx, now }, opts),
    isOwnWrite: (origin) => isSalesforceOwnWrite(identity, origin),
    checkFieldPath: checkSalesforceFieldPath,
    accounts: createSalesforceAccountSource(ctx),
  };
}
