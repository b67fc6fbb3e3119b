// Scenarios that cannot pass until another part of issue 12 lands on main, each with the fix it
// waits for and what it showed on main. The suite skips them and prints why; CHAOS_RUN_PENDING=1
// runs them anyway (and `npm run bench:chaos` always does). Remove an entry when its fix is on
// main: the scenario then is the test of that fix.
export const pendingOnMain: Record<string, string> = {
  'crm-5xx-storm':
    'crm (5xx always retryable) + durable (retries for days): a 503 without a JSON body is CRM_REJECTED "unexpected error calling HubSpot" (permanent), and rows past JOB_ATTEMPTS are marked failed: 29 of 40 lost.',
  'crm-down-past-attempts': 'durable (retries for days): after JOB_ATTEMPTS=8 the events are marked failed and never swept again: 40 of 40 lost.',
  'crm-hung-request': 'crm (requestTimeoutMs): a hung batch read holds the only routing batch of each worker for good: 40 of 40 lost.',
  'crm-429-storm':
    'durable (next_attempt_at): the sweeper re-enqueues outbox rows still waiting in a worker (bucket paused by 429) and a second worker writes them too: 3-5 of 40 written twice in 2 of 4 runs.',
};
