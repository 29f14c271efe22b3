# syntax=docker/dockerfile:1
# Node 24 (LTS; engines in package.json lists the supported lines). Build stage: compile TypeScript, then keep
# production dependencies only.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src src
COPY workers workers
COPY config config
RUN npm run build && npm prune --omit=dev

# Runtime stage: no compiler, no dev dependencies, a non-root user that owns nothing it runs.
FROM node:24-bookworm-slim
RUN groupadd --system --gid 10001 srschatops \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --shell /usr/sbin/nologin srschatops
WORKDIR /app
COPY --from=build --chown=root:root /app/node_modules node_modules
COPY --from=build --chown=root:root /app/dist dist
COPY --chown=root:root package.json LICENSE ./
# Slack HTTP mode; the bot's and a worker's ops port (/metrics, /healthz, /readyz).
EXPOSE 3000 9464 9465
USER 10001:10001
ENV NODE_ENV=production
ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["help"]
