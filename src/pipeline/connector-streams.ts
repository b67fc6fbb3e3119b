import type { PipelineDeps } from './deps.js';

/**
 * Long-running inbound streams of connectors (Salesforce change events, polling), started in
 * worker processes. Returns a stop function.
 */
export async function startConnectorStreams(_deps: PipelineDeps, _opts: Record<string, never> = {}): Promise<() => Promise<void>> {
  return async () => {};
}
