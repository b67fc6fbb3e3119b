// sObject describe: the real schema, used to lint mappings and rules before a config is published.
import type { FieldInfo } from '../../src/connector.js';
import { callApi, type ApiContext } from './api-context.js';
import { checkName } from './soql.js';

export async function describeFields(ctx: ApiContext, objectType: string): Promise<FieldInfo[]> {
  const obj = checkName(objectType, 'objectType');
  const result = await callApi(ctx, `describe ${obj}`, (conn) => conn.describe(obj));
  return result.fields.map((f) => ({
    name: f.name,
    type: f.type,
    ...(f.label ? { label: f.label } : {}),
    // describe says per field whether an update may set it (false for formulas, system fields, Id).
    ...(typeof f.updateable === 'boolean' && { updateable: f.updateable }),
  }));
}
