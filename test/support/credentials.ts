// Every credential the tests use, in one list, for the log scan after the suite (scan-logs.ts):
// none of them may appear in any log line at any level. Named, so a finding says which one
// without printing it. Add a credential here when a test introduces one (a unit test checks the
// obvious literals in test/ are listed). Includes the wrong ones tests send on purpose: what a
// caller sent as a credential is not ours to log either.
//
// Left out on purpose: "dev-local-key", the embedded default's documented development key,
// which the start-up warning names so a developer knows what to send.

export interface TestCredential {
  name: string;
  /** A literal, or a pattern for tokens the stand-ins mint at run time. */
  value: string | RegExp;
}

export const testCredentials: readonly TestCredential[] = [
  // Our own API
  { name: 'intake API key (support/system.ts)', value: 'test-key-0123456789' },
  { name: 'admin viewer token', value: 'viewer-token-0123456789' },
  { name: 'admin editor token', value: 'editor-token-0123456789' },
  { name: 'intake key one (unit)', value: 'key-one-123456' },
  { name: 'intake key two (unit)', value: 'key-two-654321' },
  { name: 'wrong admin token', value: 'not-a-token-0000000' },
  { name: 'rep token of bo (availability)', value: 'bo-own-token-0123456789' },
  { name: 'rep token of ana (availability)', value: 'ana-own-token-0123456789' },
  { name: 'admin viewer token (fuzz)', value: 'fuzz-viewer-token-0123456789' },
  { name: 'admin editor token (fuzz)', value: 'fuzz-editor-token-0123456789' },
  { name: 'wrong intake key (fuzz)', value: 'not-a-key-0000000' },
  // HubSpot
  { name: 'HubSpot private app token (fuzz)', value: 'pat-fuzz-0001' },
  { name: 'HubSpot client secret (fuzz)', value: 'fuzz-hubspot-client-secret-01' },
  { name: 'HubSpot private app token (unit)', value: 'pat-na1-11111111-2222-3333-4444-555555555555' },
  { name: 'HubSpot webhook client secret (unit)', value: 'wh-client-secret-0f9e8d7c6b5a' },
  { name: 'HubSpot private app token (e2e)', value: 'pat-na1-e2e-0001' },
  { name: 'HubSpot client secret (e2e)', value: 'e2e-client-secret-0001' },
  { name: 'HubSpot client secret (rate limit)', value: 'rate-limit-secret-0001' },
  { name: 'HubSpot token (rate limit)', value: 'pat-rl' },
  { name: 'HubSpot token (account admin API)', value: 'pat-admin' },
  { name: 'HubSpot client secret (account admin API)', value: 'admin-secret-01' },
  { name: 'HubSpot token (routing arrival order)', value: 'pat-order' },
  { name: 'HubSpot client secret (routing arrival order)', value: 'order-secret-01' },
  { name: 'HubSpot token (account sync)', value: 'pat-sync' },
  { name: 'HubSpot token (account mirror, two processes)', value: 'pat-two' },
  { name: 'HubSpot client secret (account mirror, two processes)', value: 'two-processes-secret-01' },
  { name: 'HubSpot token (existingOwner, two processes)', value: 'pat-existing' },
  { name: 'HubSpot client secret (existingOwner, two processes)', value: 'existing-owner-secret-01' },
  { name: 'HubSpot token (people mirror sync)', value: 'pat-people' },
  { name: 'HubSpot client secret (people mirror sync)', value: 'people-secret-0001' },
  { name: 'HubSpot client secret (account sync)', value: 'sync-secret-0001' },
  { name: 'HubSpot token (accounts CLI)', value: 'pat-cli' },
  { name: 'HubSpot client secret (accounts CLI)', value: 'cli-secret-0001' },
  { name: 'HubSpot token (account mirror)', value: 'pat-mirror' },
  { name: 'HubSpot client secret (account mirror)', value: 'account-mirror-secret-01' },
  { name: 'HubSpot client secret (reps import)', value: 'reps-secret-01' },
  { name: 'Salesforce access token (account sync)', value: 'sf-token' },
  { name: 'Salesforce outbound token (account sync)', value: 'outbound-token-0123456789' },
  { name: 'Salesforce access token (reps import)', value: 'sf-reps' },
  { name: 'Salesforce outbound token (reps import)', value: 'reps-outbound-token-000' },
  { name: 'HubSpot client secret (durable retries)', value: 'durable-secret-0001' },
  { name: 'HubSpot token (durable retries)', value: 'pat-durable' },
  { name: 'HubSpot client secret (dead letters)', value: 'dead-letter-secret-01' },
  { name: 'HubSpot token (dead letters)', value: 'pat-dead' },
  { name: 'HubSpot token (crm check)', value: 'pat-test-token' },
  { name: 'HubSpot client secret (crm check)', value: 'client-secret-for-tests' },
  { name: 'HubSpot token (sync)', value: 'pat-test-0000' },
  { name: 'HubSpot client secret (sync)', value: 'client-secret-test' },
  { name: 'HubSpot wrong token (stand-in)', value: 'pat-wrong' },
  { name: 'HubSpot OAuth client secret (auth)', value: 'oauth-client-secret-456' },
  { name: 'HubSpot OAuth refresh token (auth)', value: 'refresh-token-789' },
  { name: 'HubSpot OAuth client secret (retries)', value: 'oauth-secret-xyz' },
  { name: 'HubSpot OAuth refresh token (retries)', value: 'rt-abc-123' },
  { name: 'HubSpot OAuth client secret (config)', value: 'oauth-secret-1' },
  { name: 'HubSpot OAuth refresh token (config)', value: 'rt-secret-2' },
  { name: 'HubSpot webhook secret (config)', value: 'hook-secret-3' },
  { name: 'HubSpot client secret (config)', value: 's3cret' },
  { name: 'HubSpot wrong webhook secret', value: 'someone-elses-secret' },
  { name: 'HubSpot wrong signing secret (unit)', value: 'not-the-secret' },
  { name: 'HubSpot refresh token (fixture)', value: 'rt-6f1c-refresh-token-fixture' },
  { name: 'HubSpot access token (fixture)', value: 'at-fresh-access-token-fixture-1' },
  { name: 'HubSpot access token minted by the stand-in', value: /standin-at-\d{6,}/ },
  // The chaos suite (test/chaos/harness.ts)
  { name: 'HubSpot client secret (chaos)', value: 'chaos-client-secret-0001' },
  { name: 'HubSpot private app token (chaos)', value: 'pat-na1-chaos-0001' },
  { name: 'HubSpot OAuth client secret (chaos)', value: 'chaos-oauth-secret-0001' },
  { name: 'HubSpot OAuth refresh token (chaos)', value: 'chaos-refresh-token-0001' },
  { name: 'intake API key (chaos)', value: 'chaos-intake-key-0123456789' },
  // Notifications (test/support/notify-standins.ts)
  { name: 'Slack bot token (notifications)', value: 'xoxb-test-0123456789-notify' },
  { name: 'SMTP password (notifications)', value: 'smtp-pass-0123456789' },
  { name: 'webhook signing secret (notifications)', value: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
  // Salesforce
  { name: 'Salesforce access token (stand-in)', value: 'standin-access-token' },
  { name: 'Salesforce access token minted by the stand-in', value: /standin-token-\d+/ },
  { name: 'Salesforce outbound message path token', value: 'outbound-path-token-0123456789abcdef' },
  { name: 'Salesforce wrong outbound path token', value: 'wrong-token-0123456789' },
  { name: 'Salesforce access token (unit)', value: 'test-access-token-00000' },
  { name: 'Salesforce OAuth client secret (auth)', value: 'client-secret-7f3a9c2e1d' },
  { name: 'Salesforce OAuth refresh token (auth)', value: 'refresh-token-5b8e4d1a0c' },
  { name: 'Salesforce other refresh token (auth)', value: 'some-other-refresh-token' },
  // Accounts from the CRM (account-reassigned, accounts-cli-remote, reps-import-api tests)
  { name: 'HubSpot client secret (account reassigned)', value: 'account-reassigned-secret-01' },
  { name: 'HubSpot private app token (account reassigned)', value: 'pat-reassigned' },
  { name: 'HubSpot private app token (accounts sync remote)', value: 'pat-remote' },
  { name: 'HubSpot client secret (accounts sync remote)', value: 'remote-0001' },
  { name: 'HubSpot private app token (reps import API)', value: 'pat-reps' },
  { name: 'HubSpot client secret (reps import API)', value: 'reps-0001' },
];
