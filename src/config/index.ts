export { parseEnv, envSchema, devApiKey, type Env } from './env.js';
export { Secret, scrubSecrets } from './secret.js';
export { configDocumentSchema, parseConfigDocument, zodIssues, type ConfigDocument } from './document.js';
export { readConfigFile, readConfigSource, parseConfigText, withLines, type ConfigSource } from './load-file.js';
export { readConnectorConfig } from './connector-config.js';
export { diffConfig, formatChange, jsonEqual, type ConfigChange } from './diff.js';
export { nameIssues, namePath, indexPath } from './item-paths.js';
export { parseWebForms, webFormsSchema, reservedFormFields, type WebForm, type WebForms } from './web-forms.js';
