// The object's properties, for linting mappings and rules against the portal's real schema.
// GET /crm/v3/properties/{objectType}: one unpaged list. Archived properties are left out: a
// mapping that names one should be reported as pointing at a field the CRM no longer has.
import type { FieldInfo } from '../../src/connector.js';
import type { HubSpotApis } from './client.js';
import { apiObjectType } from './object-types.js';
import type { CallHubSpot } from './request.js';

export async function describeFields(
  deps: { apis: HubSpotApis; call: CallHubSpot },
  objectType: string,
): Promise<FieldInfo[]> {
  const type = apiObjectType(objectType);
  const res = await deps.call(`describe ${type}`, () => deps.apis.properties.getAll(type, false));
  return res.results.map((p) => ({
    name: p.name,
    ...(p.label && { label: p.label }),
    // HubSpot's storage type (string, number, enumeration, datetime, date, bool, phone_number);
    // fieldType (text, select, ...) is presentation only.
    type: p.type,
    // readOnlyValue: HubSpot refuses a write of the value (calculated and system properties).
    ...(p.modificationMetadata && { updateable: !p.modificationMetadata.readOnlyValue }),
  }));
}
