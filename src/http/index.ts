export { buildApp, defaultHttpTimeouts, type AppOptions, type HttpTimeouts } from './app.js';
export type { ReadinessCheck } from './routes/health.js';
export type { HttpDeps } from './deps.js';
