# syntax=docker/dockerfile:1
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src src
COPY connectors connectors
COPY notifiers notifiers
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev

FROM node:22-bookworm-slim
# DATA_DIR: the embedded PGlite folder when DATABASE_URL is unset (the default command with no
# env). It lives outside /app, owned by the runtime user and declared a volume, so `docker run
# <image>` works and keeps its data. WORKER_PORT is the worker's own /healthz.
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 WORKER_PORT=3001 DATA_DIR=/var/lib/lead-router
WORKDIR /app
# The app stays root-owned: the runtime user can read it, not change it.
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json ./
COPY bin bin
COPY migrations migrations
COPY fixtures/config fixtures/config
RUN mkdir -p /var/lib/lead-router && chown node:node /var/lib/lead-router
VOLUME ["/var/lib/lead-router"]
USER node
EXPOSE 3000 3001
# One script for serve and worker: healthy when /healthz answers on PORT or WORKER_PORT.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD ["node", "bin/healthcheck.js"]
ENTRYPOINT ["node", "bin/lead-router.js"]
CMD ["serve"]
