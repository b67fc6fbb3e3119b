// Pieces of a config document as an admin writes it (YAML/JSON), for tests that load or publish one.

/** The web form's mapping (`api/lead`), copying each named field to the lead field of the same name. */
export const apiLeadMappings = (...fields: string[]) => ({
  'api/lead': { fields: fields.map((f) => ({ from: f, to: f })) },
});
