import type { Env } from '../config/index.js';
import type { PipelineDeps } from '../pipeline/index.js';

/** What route modules get: the pipeline (no SQL or SDK calls in http/), and the parsed env. */
export interface HttpDeps {
  pipeline: PipelineDeps;
  env: Env;
  /** Throws 401 unless the request carries a valid intake API key. */
  checkApiKey: (headers: Record<string, unknown>) => void;
}
