// Echo by origin (docs/sync.md): HubSpot reports a property change our app made with
// changeSource INTEGRATION and our app id as sourceId. Nothing else in the event is ours for certain.
import type { ChangeOrigin } from '../../src/connector.js';

/** Whether `origin` is a write by one of `appIds` (this deployment's HubSpot app). */
export function isHubSpotOwnWrite(appIds: readonly string[], origin: ChangeOrigin): boolean {
  return origin.sourceId !== undefined && appIds.includes(origin.sourceId);
}
