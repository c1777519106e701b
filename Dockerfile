# syntax=docker/dockerfile:1
# Build stage: full dependencies (TypeScript, the node devDependency) to compile.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY dashboard ./dashboard
COPY scripts/build-dashboard.mjs ./scripts/
RUN npx tsc -p tsconfig.build.json && node scripts/build-dashboard.mjs && npm prune --omit=dev

# Runtime stage: production dependencies and the compiled app only, as the unprivileged node user,
# on the image's own Node 24 (dist/main.js refuses anything older). One image for every role:
# APP_ROLE=api | worker | all picks it at run time.
FROM node:24-bookworm-slim
# Containers listen on every interface; the app's own default is loopback.
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 METRICS_PORT=9464
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
USER node
EXPOSE 8080 9464
# Liveness on /health: the API roles serve it on PORT, a worker-only process on METRICS_PORT.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "const port = process.env.APP_ROLE === 'worker' ? process.env.METRICS_PORT : process.env.PORT; fetch('http://127.0.0.1:' + port + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# node directly (not npm) so SIGTERM reaches the app and it shuts down gracefully.
CMD ["node", "dist/main.js"]
