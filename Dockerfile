# Syncscope app image: `docker build -t syncscope:dev .` (docker-compose.yml builds it for you).
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 falls back to compiling from source when no prebuilt binary matches.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
# V8 sizes its heap from the host's memory: on a large host it lets over 100 MB of garbage pile up
# before its first full collection. A sync's live heap stays near 30 MB whatever its size, so a cap
# keeps peak RSS near 200 MB at 100k and at 1M records at no measurable cost (`npm run bench -- memory`
# reads this line and measures with it).
ENV NODE_OPTIONS=--max-old-space-size=1024
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The SQLite run store (./data) and reports (./reports) are written relative to the working dir.
RUN mkdir -p /app/data /app/reports && chown -R node:node /app/data /app/reports
USER node
EXPOSE 9464
# The bundled CLI (package.json "bin"; `npm run build` writes it with esbuild): about half the start-up of
# dist/cli/bin.js, and less again from the second run on, with the compile cache in ~/.cache/syncscope.
ENTRYPOINT ["node", "dist/bundle/syncscope.js"]
CMD ["serve", "--port", "9464", "--host", "0.0.0.0"]
