#!/usr/bin/env node
// The image's HEALTHCHECK, one script for every command the image runs. A container runs one
// process: `serve` answers /healthz on PORT, `worker` on WORKER_PORT (its own health port), so
// the container is healthy when either answers 200. Plain JS with no imports of ours, so it
// starts fast and works even when dist/ would not load.
const host = !process.env.HOST || ['0.0.0.0', '::'].includes(process.env.HOST) ? '127.0.0.1' : process.env.HOST;
// A blank variable counts as unset, as in src/config/env.ts; 0 turns a port off.
const port = (name, fallback) => (process.env[name]?.trim() ? Number(process.env[name]) : fallback);
const ports = [port('PORT', 3000), port('WORKER_PORT', 3001)].filter((p) => Number.isInteger(p) && p > 0);

async function healthy(p) {
  try {
    const res = await fetch(`http://${host.includes(':') ? `[${host}]` : host}:${p}/healthz`, {
      signal: AbortSignal.timeout(2000),
    });
    return res.ok;
  } catch {
    return false;
  }
}

const answers = await Promise.all(ports.map(healthy));
if (answers.some(Boolean)) process.exit(0);
console.error(`no /healthz answered on ${host} port ${ports.join(' or ') || '(none: PORT and WORKER_PORT are 0)'}`);
process.exit(1);
