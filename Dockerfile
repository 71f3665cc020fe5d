# One image for the API (default), the worker and the CLI:
#   docker run IMAGE                                        -> API on :3000
#   docker run IMAGE node dist/apps/worker/src/main.js      -> worker, health on :3001
#   docker run IMAGE node dist/apps/cli/src/main.js migrate -> migrations, then exit
# package.json engines wants Node >= 20.19; the 20 line of this tag is past that.

FROM node:20-bookworm-slim AS deps
WORKDIR /app
# Only the manifests, so the dependency layer is reused until they change.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY tsconfig.json tsconfig.build.json ./
COPY apps ./apps
COPY libs ./libs
COPY migrations ./migrations
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    WORKER_HEALTH_PORT=3001
WORKDIR /app
# package.json must sit beside dist/: its "imports" field resolves #libs/* at run time.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# Files stay root-owned and the process runs as `node`, so a compromised app
# cannot rewrite its own code. The audit signing key's folder is the one it may write.
RUN mkdir -p /var/lib/kaikaku-keys && chown node:node /var/lib/kaikaku-keys && chmod 700 /var/lib/kaikaku-keys
USER node
EXPOSE 3000 3001
# No HEALTHCHECK here: the same image serves the API, the worker (another port)
# and the one-shot CLI, so docker-compose.yml sets a check per service instead.
CMD ["node", "dist/apps/api/src/main.js"]
