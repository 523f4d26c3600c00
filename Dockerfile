# syntax=docker/dockerfile:1
# diandan on a Docker host: one image for every process (intake, dispatch, feedback, worker, web) and the
# one-shot jobs (migrate, topics); docker-compose.yml chooses the command. See docs/docker.md.

FROM node:20-bookworm-slim AS base
# openssl: Prisma's CLI reads its version to work out the platform (bookworm-slim ships without it).
RUN apt-get update \
 && apt-get install -y --no-install-recommends openssl ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# CHECKPOINT_DISABLE: no update-check calls from the Prisma CLI.
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false CHECKPOINT_DISABLE=1

# --- build: all dependencies, the Prisma client, the compiled workspaces --------------------------
FROM base AS build
# Manifests first: the dependency layer is rebuilt only when one of them changes.
COPY package.json package-lock.json ./
COPY packages/domain/package.json packages/domain/
COPY packages/platform/package.json packages/platform/
COPY workflows/package.json workflows/
COPY services/intake/package.json services/intake/
COPY services/dispatch/package.json services/dispatch/
COPY services/feedback/package.json services/feedback/
COPY infra/package.json infra/
COPY web/package.json web/
RUN npm ci
COPY . .
# The client runs on the JS query compiler (no native engine). The generator needs DATABASE_URL set
# to choose that engine; it never connects.
RUN cd infra && DATABASE_URL=postgresql://x@x/x npx --no-install prisma generate
RUN npx --no-install tsc -b
# The console and the resident pages (vite); tsc -b above compiled their one-origin server.
RUN npm -w web run build

# --- production dependencies only ----------------------------------------------------------------
FROM build AS prod-deps
RUN npm prune --omit=dev

# --- runtime: compiled code, production dependencies, Prisma schema and migrations ----------------
FROM base AS runtime
ENV NODE_ENV=production
COPY --from=prod-deps --chown=node:node /app/node_modules ./node_modules
# The generated client lives outside any package; copy it explicitly so pruning cannot lose it.
COPY --from=build --chown=node:node /app/node_modules/.prisma ./node_modules/.prisma
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/packages/domain/package.json ./packages/domain/
COPY --from=build /app/packages/domain/dist ./packages/domain/dist
COPY --from=build /app/packages/domain/rules.js ./packages/domain/rules.js
COPY --from=build /app/packages/platform/package.json ./packages/platform/
COPY --from=build /app/packages/platform/dist ./packages/platform/dist
COPY --from=build /app/workflows/package.json ./workflows/
COPY --from=build /app/workflows/dist ./workflows/dist
COPY --from=build /app/services/intake/package.json ./services/intake/
COPY --from=build /app/services/intake/dist ./services/intake/dist
COPY --from=build /app/services/dispatch/package.json ./services/dispatch/
COPY --from=build /app/services/dispatch/dist ./services/dispatch/dist
COPY --from=build /app/services/feedback/package.json ./services/feedback/
COPY --from=build /app/services/feedback/dist ./services/feedback/dist
# `prisma migrate deploy` runs in /app/infra and reads prisma.config.ts, the schema and migrations.
COPY --from=build /app/infra/package.json /app/infra/prisma.config.ts ./infra/
COPY --from=build /app/infra/prisma ./infra/prisma
COPY --from=build /app/infra/dist ./infra/dist
# The web console: built pages and the compiled one-origin server (web/server, emitted by tsc -b).
COPY --from=build /app/web/package.json ./web/
COPY --from=build /app/web/dist ./web/dist
COPY --from=build /app/.diandan/tsc-web-node/web/server ./web/server-dist
USER node
CMD ["node", "services/intake/dist/src/main.js"]
