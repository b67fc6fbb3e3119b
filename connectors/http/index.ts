// HTTP pieces both CRM connectors share: per-request connect and total timeouts.
export { CrmTimeoutError, sendHttp, timeoutAgent, type HttpAnswer, type TimeoutOptions } from './timeout-agent.js';
