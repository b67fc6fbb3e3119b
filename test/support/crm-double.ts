// A CrmConnector that only writes, standing in for the `api` connector (the write-back target of
// leads posted to /v1/leads) where a test is about the pipeline's bookkeeping around a write, not
// about a CRM: each test gives the write behaviour it needs.
import type { CrmConnector } from '../../src/connector.js';

export function apiWriteDouble(writeOwners: CrmConnector['writeOwners']): CrmConnector {
  return {
    name: 'api',
    verifyRequest: () => {},
    parseEvents: () => [],
    fetchRecords: async () => [],
    listOwners: async () => [],
    describeFields: async () => [],
    writeOwners,
  };
}
