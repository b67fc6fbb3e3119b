// A connector that writes owners to the log only: the write-back target for leads that came in
// through POST /v1/leads, whose source system has no CRM to write to.
import type { CrmConnector } from '../../src/connector.js';
import type { Logger } from '../../src/logger.js';

export function createLogOnlyConnector(logger: Logger): CrmConnector {
  return {
    name: 'api',
    verifyRequest() {},
    parseEvents() {
      return [];
    },
    async fetchRecords() {
      return [];
    },
    async writeOwners(writes) {
      // debug: the write-back's own "owner written" info line (with the lead's ids) is the record of it.
      for (const w of writes)
        logger.debug({ writeId: w.writeId, record: w.ref, ownerId: w.ownerId }, 'owner written (log-only connector)');
      return writes.map((w) => ({ writeId: w.writeId, ok: true as const }));
    },
    async listOwners() {
      return [];
    },
    async describeFields() {
      return [];
    },
  };
}
