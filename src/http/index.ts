export { buildApp, type AppOptions } from './app.js';
export type { ReadinessCheck } from './routes/health.js';
export type { HttpDeps } from './deps.js';
