// HubSpot names one object type three ways: the singular name in legacy webhook subscription
// types ("contact.creation"), the plural in API paths ("/crm/v3/objects/contacts") and an
// objectTypeId in generic webhooks ("object.creation", objectTypeId "0-1"). We use the singular
// name as RecordRef.objectType, and ids ("2-123") for custom objects that have no standard name.

interface StandardType {
  name: string;
  apiName: string;
  typeId: string;
}

// Ids from HubSpot's "object type ids" table (0-1 contacts, 0-2 companies, 0-3 deals, 0-5 tickets, 0-136 leads).
const standardTypes: StandardType[] = [
  { name: 'contact', apiName: 'contacts', typeId: '0-1' },
  { name: 'company', apiName: 'companies', typeId: '0-2' },
  { name: 'deal', apiName: 'deals', typeId: '0-3' },
  { name: 'ticket', apiName: 'tickets', typeId: '0-5' },
  { name: 'lead', apiName: 'leads', typeId: '0-136' },
];

function find(objectType: string): StandardType | undefined {
  const t = objectType.toLowerCase();
  return standardTypes.find((s) => s.name === t || s.apiName === t || s.typeId === t);
}

/** The name we put in RecordRef.objectType: "contact" for 0-1/contacts/contact; custom ids unchanged. */
export function canonicalObjectType(objectType: string): string {
  return find(objectType)?.name ?? objectType;
}

/** The path segment the CRM objects API expects: "contacts", "companies", or a custom "2-123". */
export function apiObjectType(objectType: string): string {
  return find(objectType)?.apiName ?? objectType;
}

export function isContact(objectType: string): boolean {
  return canonicalObjectType(objectType) === 'contact';
}

/** Whether a configured list (names, plurals or ids, mixed) covers this object type. */
export function isConfiguredType(configured: readonly string[], objectType: string): boolean {
  const wanted = canonicalObjectType(objectType);
  return configured.some((c) => canonicalObjectType(c) === wanted);
}
